import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * Where file bytes live: one file per upload under the data directory, written to a temporary
 * name, fsync'd and renamed, so that a crash never leaves a half-written file under a real id.
 * (Several nodes need a shared directory or an object store behind this same interface.)
 */
export interface FileStorage {
  put(id: string, bytes: Buffer): Promise<void>;
  open(id: string): fs.ReadStream;
  /** Deletes the bytes; a file already gone is not an error. */
  remove(id: string): Promise<void>;
}

export function diskStorage(dir: string): FileStorage {
  fs.mkdirSync(dir, { recursive: true });
  const pathOf = (id: string) => path.join(dir, id);
  return {
    async put(id, bytes) {
      const tmp = path.join(dir, `.${randomUUID()}.tmp`);
      const handle = await fsp.open(tmp, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(tmp, pathOf(id));
    },
    open: (id) => fs.createReadStream(pathOf(id)),
    async remove(id) {
      await fsp.rm(pathOf(id), { force: true });
    },
  };
}

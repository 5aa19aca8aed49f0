import { FileUploadResponse, type Attachment } from '@parley/protocol';
import { ApiError } from './ApiError';
import { toApiError } from './ConsoleApi';

export interface UploadRequest {
  file: Blob;
  name: string;
  siteId: string;
  csrfToken: string;
  /** Bytes sent so far and the total, as the browser reports them. */
  progress(sent: number, total: number): void;
}

export interface RunningUpload {
  done: Promise<Attachment>;
  abort(): void;
}

/**
 * An agent's upload (`POST /api/v1/files`, the raw bytes). The client library's `uploadFile` uses
 * `fetch`, which reports no upload progress; this is the same request over XMLHttpRequest.
 */
export function uploadWithProgress(request: UploadRequest): RunningUpload {
  const xhr = new XMLHttpRequest();
  const query = new URLSearchParams({ name: request.name, siteId: request.siteId });
  const done = new Promise<Attachment>((resolve, reject) => {
    xhr.open('POST', `/api/v1/files?${query.toString()}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('x-csrf-token', request.csrfToken);
    xhr.upload.addEventListener('progress', (event) => {
      request.progress(event.loaded, event.lengthComputable ? event.total : request.file.size);
    });
    xhr.addEventListener('load', () => {
      let json: unknown = undefined;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        // not JSON: the status decides
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        const parsed = FileUploadResponse.safeParse(json);
        if (parsed.success) resolve(parsed.data.file);
        else reject(new ApiError(xhr.status, 'http_error', 'The server sent an unexpected answer.'));
      } else {
        reject(toApiError({ status: xhr.status, statusText: xhr.statusText }, json));
      }
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, 'network', 'The upload failed: the server cannot be reached.')),
    );
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'The upload was cancelled.')));
    xhr.send(request.file);
  });
  return { done, abort: () => xhr.abort() };
}

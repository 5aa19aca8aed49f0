/**
 * The notification sound, generated rather than shipped: two short sine tones (a rising "ding-dong")
 * with a soft attack and decay so that they do not click. No audio file, no request.
 */
export function chimeSamples(sampleRate: number): Float32Array<ArrayBuffer> {
  const tones: readonly [frequency: number, start: number, length: number][] = [
    [880, 0, 0.12],
    [1320, 0.13, 0.16],
  ];
  const total = Math.ceil(sampleRate * 0.32);
  const out = new Float32Array(total);
  for (const [frequency, start, length] of tones) {
    const from = Math.floor(start * sampleRate);
    const count = Math.floor(length * sampleRate);
    for (let i = 0; i < count && from + i < total; i++) {
      const t = i / sampleRate;
      const attack = Math.min(1, i / (0.005 * sampleRate));
      const decay = Math.exp((-5 * i) / count);
      out[from + i] = (out[from + i] ?? 0) + 0.25 * attack * decay * Math.sin(2 * Math.PI * frequency * t);
    }
  }
  return out;
}

export type AudioState = 'ready' | 'blocked' | 'unsupported';

/**
 * Plays the chime through Web Audio. Browsers start an AudioContext suspended until the page has had
 * a user gesture (autoplay policy); `play` then reports `blocked` and the console asks the agent to
 * enable sound with a click, which calls `unlock` inside that gesture.
 */
export class Chime {
  #context: AudioContext | null = null;
  #buffer: AudioBuffer | null = null;

  get state(): AudioState {
    if (typeof AudioContext === 'undefined') return 'unsupported';
    return this.#context?.state === 'running' ? 'ready' : 'blocked';
  }

  /** Call from a click or key handler: resuming is allowed there. */
  async unlock(): Promise<AudioState> {
    const context = this.#ensure();
    if (context === null) return 'unsupported';
    if (context.state !== 'running') await withTimeout(context.resume(), 500);
    return this.state;
  }

  async play(): Promise<AudioState> {
    const context = this.#ensure();
    if (context === null) return 'unsupported';
    if (!isRunning(context)) {
      // Without a gesture the promise may never settle: do not wait for it.
      await withTimeout(context.resume(), 200);
      if (!isRunning(context)) return 'blocked';
    }
    this.#buffer ??= bufferOf(context);
    const source = context.createBufferSource();
    source.buffer = this.#buffer;
    source.connect(context.destination);
    source.start();
    return 'ready';
  }

  #ensure(): AudioContext | null {
    if (typeof AudioContext === 'undefined') return null;
    this.#context ??= new AudioContext();
    return this.#context;
  }
}

/** A function, so that TypeScript reads the state again after an await. */
function isRunning(context: AudioContext): boolean {
  return context.state === 'running';
}

function bufferOf(context: AudioContext): AudioBuffer {
  const samples = chimeSamples(context.sampleRate);
  const buffer = context.createBuffer(1, samples.length, context.sampleRate);
  buffer.copyToChannel(samples, 0);
  return buffer;
}

function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}

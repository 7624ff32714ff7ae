/** Newline-delimited JSON over a pipe: the runner ↔ peer-process channel of the NAT matrix. */
import type { Readable } from 'node:stream';

/** Calls `cb` with every non-empty line of `stream`, parsed as JSON, in order. */
export function onJsonLines<T>(stream: Readable, cb: (message: T) => void): void {
  let buffered = '';
  stream.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.trim() !== '') cb(JSON.parse(line) as T);
    }
  });
}

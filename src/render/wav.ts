/** WAV encoding (16-bit PCM, mono) and decoding (PCM 16/32-bit int, float32), plus an atomic writer. Pure except writeWav. */
import { InputError } from '../core/errors';
import { writeFileAtomic, writeFileAtomicStreaming } from '../io/atomic';

/** The 44-byte header of a mono 16-bit PCM WAV file of `samples` samples. */
export function wavHeader(samples: number, sampleRate: number): Buffer {
  const dataBytes = samples * 2;
  const buf = Buffer.alloc(44);
  writeHeader(buf, dataBytes, sampleRate);
  return buf;
}

/** Mono float samples (clipped to -1..1) as 16-bit PCM little-endian bytes, into `buf` at `offset`. */
function writePcm16(buf: Buffer, samples: Float32Array, offset: number): void {
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(1, samples[i] ?? 0));
    buf.writeInt16LE(Math.round(v * 32767), offset + 2 * i);
  }
}

/** Encodes mono float samples (clipped to -1..1) as a 16-bit PCM WAV file. */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const dataBytes = samples.length * 2;
  const buf = Buffer.alloc(44 + dataBytes);
  writeHeader(buf, dataBytes, sampleRate);
  writePcm16(buf, samples, 44);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function writeHeader(buf: Buffer, dataBytes: number, sampleRate: number): void {
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + dataBytes, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(sampleRate, 24);
  buf.writeUInt32LE(sampleRate * 2, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(dataBytes, 40);
}

/** Decodes a PCM (8/16/24/32-bit int) or float32 WAV to mono float samples (channels averaged). */
export function decodeWav(bytes: Uint8Array, where = 'audio.wav'): { samples: Float32Array; sampleRate: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new InputError(`${where} is not a WAV file; expected RIFF/WAVE`);
  }
  let pos = 12;
  let fmt: { format: number; channels: number; sampleRate: number; bits: number } | undefined;
  while (pos + 8 <= buf.length) {
    const id = buf.toString('ascii', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'fmt ') {
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), sampleRate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
      if (fmt.format === 0xfffe && size >= 26) fmt.format = buf.readUInt16LE(body + 24);
    } else if (id === 'data') {
      if (!fmt) throw new InputError(`${where}: data chunk before fmt chunk`);
      const bytesPer = fmt.bits / 8;
      const frames = Math.floor(Math.min(size, buf.length - body) / (bytesPer * fmt.channels));
      const out = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let acc = 0;
        for (let c = 0; c < fmt.channels; c++) {
          const o = body + (i * fmt.channels + c) * bytesPer;
          if (fmt.format === 3 && fmt.bits === 32) acc += buf.readFloatLE(o);
          else if (fmt.bits === 16) acc += buf.readInt16LE(o) / 32768;
          else if (fmt.bits === 24) acc += buf.readIntLE(o, 3) / 8388608;
          else if (fmt.bits === 32) acc += buf.readInt32LE(o) / 2147483648;
          else if (fmt.bits === 8) acc += (buf.readUInt8(o) - 128) / 128;
          else throw new InputError(`${where}: ${fmt.bits}-bit samples are not supported; expected 8/16/24/32-bit PCM or float32`);
        }
        out[i] = acc / fmt.channels;
      }
      return { samples: out, sampleRate: fmt.sampleRate };
    }
    pos = body + size + (size % 2);
  }
  throw new InputError(`${where} has no data chunk; expected a WAV file with audio`);
}

/** Writes a WAV atomically (temp file + rename): a failed write leaves nothing behind. */
export async function writeWav(file: string, samples: Float32Array, sampleRate: number): Promise<void> {
  // writeFileAtomic's failures are one-line SinkErrors naming the file
  await writeFileAtomic(file, encodeWav(samples, sampleRate));
}

/**
 * Writes a WAV atomically from a stream of mono chunks whose total length is known up front (`render` of a long
 * Take: the file grows on disk, the memory stays flat). `produce` receives `start(total, sampleRate)`, to call once
 * before the first chunk, and `chunk(samples)`.
 */
export async function writeWavStreaming(
  file: string,
  produce: (out: { start: (totalSamples: number, sampleRate: number) => Promise<void>; chunk: (samples: Float32Array) => Promise<void> }) => Promise<void>,
): Promise<void> {
  await writeFileAtomicStreaming(file, async (write) => {
    let pcm = Buffer.alloc(0);
    await produce({
      start: (total, sampleRate) => write(wavHeader(total, sampleRate)),
      chunk: (samples) => {
        if (pcm.length < samples.length * 2) pcm = Buffer.alloc(samples.length * 2);
        writePcm16(pcm, samples, 0);
        return write(pcm.subarray(0, samples.length * 2));
      },
    });
  });
}

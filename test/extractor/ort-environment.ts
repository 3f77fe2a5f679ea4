/**
 * Jest environment for tests that run onnxruntime-node: its native binding returns typed arrays of Node's own
 * realm, while jest's sandbox has its own Float32Array etc., so ORT's `instanceof` checks fail. This environment
 * shares the host's typed-array constructors with the sandbox. Use with a `@jest-environment` docblock.
 */
import NodeEnvironment from 'jest-environment-node';

const SHARED = [
  'ArrayBuffer', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array', 'Uint32Array', 'Int32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Uint8ClampedArray',
] as const;

export default class OrtEnvironment extends NodeEnvironment {
  override async setup(): Promise<void> {
    await super.setup();
    const g = this.global as unknown as Record<string, unknown>;
    for (const name of SHARED) g[name] = (globalThis as unknown as Record<string, unknown>)[name];
  }
}

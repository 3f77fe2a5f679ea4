/**
 * Just enough of the ONNX protobuf format to adapt a model in Node: read named float initializers, replace their
 * values in place (same size, so no length prefix changes), list the nodes, and add a graph output (an intermediate
 * tensor a training loop needs, e.g. the key features the head reads). Pure: bytes in, bytes out.
 *
 * Wire format (protobuf): each field is a varint tag (field number << 3 | wire type) and a value; wire type 0 varint,
 * 1 fixed 64-bit, 2 length-delimited, 5 fixed 32-bit. ONNX field numbers (onnx.proto3):
 * ModelProto.graph = 7; GraphProto.node = 1, .initializer = 5, .output = 12; NodeProto.input = 1, .output = 2,
 * .op_type = 4; TensorProto.dims = 1, .data_type = 2, .float_data = 4, .name = 8, .raw_data = 9;
 * ValueInfoProto.name = 1, .type = 2; TypeProto.tensor_type = 1; TypeProto.Tensor.elem_type = 1.
 */
import { ModelError } from '../core/errors';

const FLOAT = 1; // TensorProto.DataType.FLOAT

interface Field {
  readonly no: number;
  readonly wire: number;
  /** First byte of the tag. */
  readonly start: number;
  /** First byte of the value (after the length prefix for wire type 2). */
  readonly valueStart: number;
  /** One past the last byte of the value. */
  readonly end: number;
  /** Varint value (wire type 0). */
  readonly varint: number;
}

function readVarint(buf: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= buf.length) throw new ModelError('ONNX file is truncated (a varint runs past the end); expected a complete model');
    const b = buf[pos++]!;
    value += (b & 0x7f) * mul;
    if ((b & 0x80) === 0) return [value, pos];
    mul *= 128;
  }
  throw new ModelError('ONNX file is corrupt (a varint longer than 10 bytes); expected a valid protobuf');
}

function* fields(buf: Uint8Array, start = 0, end = buf.length): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [tag, p1] = readVarint(buf, pos);
    const no = Math.floor(tag / 8);
    const wire = tag & 7;
    let valueStart = p1;
    let valueEnd: number;
    let varint = 0;
    if (wire === 0) [varint, valueEnd] = readVarint(buf, p1);
    else if (wire === 1) valueEnd = p1 + 8;
    else if (wire === 5) valueEnd = p1 + 4;
    else if (wire === 2) {
      const [len, p2] = readVarint(buf, p1);
      valueStart = p2;
      valueEnd = p2 + len;
    } else throw new ModelError(`ONNX file is corrupt (wire type ${wire} at byte ${fieldStart}); expected a valid protobuf`);
    if (valueEnd > end) throw new ModelError(`ONNX file is truncated (a field at byte ${fieldStart} runs past its message); expected a complete model`);
    yield { no, wire, start: fieldStart, valueStart, end: valueEnd, varint };
    pos = valueEnd;
  }
}

const utf8 = new TextDecoder();
const str = (buf: Uint8Array, f: Field): string => utf8.decode(buf.subarray(f.valueStart, f.end));

function graphField(model: Uint8Array): Field {
  for (const f of fields(model)) if (f.no === 7 && f.wire === 2) return f;
  throw new ModelError('ONNX file has no graph; expected a ModelProto with a GraphProto');
}

export interface InitializerInfo {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dataType: number;
  /** Byte range of raw_data in the model file (absent when the values are stored in float_data). */
  readonly raw?: { readonly start: number; readonly end: number };
}

export interface NodeInfo {
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export interface GraphInfo {
  readonly initializers: ReadonlyMap<string, InitializerInfo>;
  readonly nodes: readonly NodeInfo[];
  readonly outputs: readonly string[];
}

function parseInitializer(buf: Uint8Array, tensor: Field): InitializerInfo {
  let name = '';
  const dims: number[] = [];
  let dataType = 0;
  let raw: { start: number; end: number } | undefined;
  for (const f of fields(buf, tensor.valueStart, tensor.end)) {
    if (f.no === 1 && f.wire === 0) dims.push(f.varint);
    else if (f.no === 1 && f.wire === 2) for (let p = f.valueStart; p < f.end; ) {
      const [v, next] = readVarint(buf, p);
      dims.push(v);
      p = next;
    }
    else if (f.no === 2 && f.wire === 0) dataType = f.varint;
    else if (f.no === 8 && f.wire === 2) name = str(buf, f);
    else if (f.no === 9 && f.wire === 2) raw = { start: f.valueStart, end: f.end };
  }
  return { name, dims, dataType, ...(raw ? { raw } : {}) };
}

function parseNode(buf: Uint8Array, node: Field): NodeInfo {
  const inputs: string[] = [];
  const outputs: string[] = [];
  let opType = '';
  for (const f of fields(buf, node.valueStart, node.end)) {
    if (f.wire !== 2) continue;
    if (f.no === 1) inputs.push(str(buf, f));
    else if (f.no === 2) outputs.push(str(buf, f));
    else if (f.no === 4) opType = str(buf, f);
  }
  return { opType, inputs, outputs };
}

/** The graph's initializers (name, dims, type, where raw_data lies), nodes and output names. */
export function readGraph(model: Uint8Array): GraphInfo {
  const g = graphField(model);
  const initializers = new Map<string, InitializerInfo>();
  const nodes: NodeInfo[] = [];
  const outputs: string[] = [];
  for (const f of fields(model, g.valueStart, g.end)) {
    if (f.wire !== 2) continue;
    if (f.no === 5) {
      const init = parseInitializer(model, f);
      initializers.set(init.name, init);
    } else if (f.no === 1) nodes.push(parseNode(model, f));
    else if (f.no === 12) for (const o of fields(model, f.valueStart, f.end)) if (o.no === 1 && o.wire === 2) outputs.push(str(model, o));
  }
  return { initializers, nodes, outputs };
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** The float32 values of the named initializers (each must be FLOAT stored as raw_data, as torch.onnx.export writes). */
export function readFloatInitializers(model: Uint8Array, names: readonly string[]): Map<string, Float32Array> {
  const { initializers } = readGraph(model);
  const out = new Map<string, Float32Array>();
  for (const name of names) {
    const init = initializers.get(name);
    if (!init) throw new ModelError(`ONNX graph has no initializer "${name}"; expected the weights of the model's head`);
    if (init.dataType !== FLOAT || !init.raw) throw new ModelError(`ONNX initializer "${name}" is not float32 raw data; expected float32 weights`);
    const n = elementCount(init.dims);
    if (init.raw.end - init.raw.start !== 4 * n) throw new ModelError(`ONNX initializer "${name}" holds ${init.raw.end - init.raw.start} bytes; expected ${4 * n} for dims [${init.dims.join(', ')}]`);
    const view = new DataView(model.buffer, model.byteOffset + init.raw.start, 4 * n);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = view.getFloat32(4 * i, true);
    out.set(name, values);
  }
  return out;
}

/** A copy of `model` with the named float32 initializers' values replaced (same element counts). */
export function replaceFloatInitializers(model: Uint8Array, values: ReadonlyMap<string, Float32Array>): Uint8Array {
  const { initializers } = readGraph(model);
  const out = Uint8Array.from(model);
  const view = new DataView(out.buffer);
  for (const [name, v] of values) {
    const init = initializers.get(name);
    if (!init?.raw || init.dataType !== FLOAT) throw new ModelError(`ONNX graph has no float32 initializer "${name}" to replace`);
    const n = elementCount(init.dims);
    if (v.length !== n || init.raw.end - init.raw.start !== 4 * n) throw new ModelError(`initializer "${name}" has ${n} values; got ${v.length}`);
    for (let i = 0; i < n; i++) view.setFloat32(init.raw.start + 4 * i, v[i]!, true);
  }
  return out;
}

function varintBytes(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 128) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function lenField(no: number, payload: Uint8Array): Uint8Array {
  const head = [...varintBytes(no * 8 + 2), ...varintBytes(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head, 0);
  out.set(payload, head.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A copy of `model` whose graph also outputs the float32 tensor `tensor` (an intermediate value computed anyway),
 * under the same name. No-op when it is already an output.
 */
export function withGraphOutput(model: Uint8Array, tensor: string): Uint8Array {
  const info = readGraph(model);
  if (info.outputs.includes(tensor)) return model;
  if (!info.nodes.some((n) => n.outputs.includes(tensor))) throw new ModelError(`ONNX graph computes no tensor "${tensor}"; expected a node output`);
  const elemType = new Uint8Array([0x08, FLOAT]); // TypeProto.Tensor { elem_type = FLOAT }
  const type = lenField(1, elemType); // TypeProto { tensor_type }
  const valueInfo = concat([lenField(1, new TextEncoder().encode(tensor)), lenField(2, type)]);
  const g = graphField(model);
  const graph = concat([model.subarray(g.valueStart, g.end), lenField(12, valueInfo)]);
  return concat([model.subarray(0, g.start), lenField(7, graph), model.subarray(g.end)]);
}

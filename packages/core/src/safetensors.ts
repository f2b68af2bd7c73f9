/**
 * A safetensors reader and writer (toolchain.md §10.4: the npm `safetensors` package crashes on
 * `__metadata__`). Pure bytes in, bytes out; no TF.js, so it works in the browser and in plot.
 *
 * Format: an 8-byte little-endian u64 N, N bytes of UTF-8 JSON header (padded with spaces to a
 * multiple of 8), then the raw little-endian tensor bytes. Header entries map a name to
 * `{dtype, shape, data_offsets: [begin, end]}` relative to the data section; `__metadata__` is an
 * optional string → string map.
 */
export type SafetensorsDtype =
  'F32' | 'F64' | 'I32' | 'I64' | 'U8' | 'F16' | 'BF16' | 'I16' | 'I8' | 'BOOL' | 'U16' | 'U32' | 'U64';

export interface SafetensorsTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** The raw little-endian bytes (a copy, aligned, owned by the caller). */
  readonly bytes: Uint8Array;
}

export interface SafetensorsFile {
  readonly tensors: ReadonlyMap<string, SafetensorsTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

const bytesPerElement: Record<SafetensorsDtype, number> = {
  F32: 4,
  F64: 8,
  I32: 4,
  I64: 8,
  U8: 1,
  F16: 2,
  BF16: 2,
  I16: 2,
  I8: 1,
  BOOL: 1,
  U16: 2,
  U32: 4,
  U64: 8,
};

/** A safetensors file that cannot be read; the message names the source and what is wrong. */
export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
}

/**
 * Parse safetensors bytes.
 * @param source - a name for error messages (e.g. the file path).
 */
export function decodeSafetensors(input: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  // A Node Buffer's slice() shares memory and returns a Buffer: view it as a plain Uint8Array first
  // (toolchain.md §10.4), so slice() below really copies.
  const data = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  const fail = (what: string): never => {
    throw new SafetensorsError(`${source}: ${what}`);
  };
  if (data.byteLength < 8) fail(`file is ${data.byteLength} bytes, too short for the 8-byte header length`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > data.byteLength - 8)
    fail(
      `header length ${headerLength} exceeds the file size ${data.byteLength} (truncated or not a safetensors file)`,
    );
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(8, 8 + headerLength))) as Record<
      string,
      unknown
    >;
  } catch (error) {
    return fail(`header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = data.byteLength - dataStart;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const {
      dtype,
      shape,
      data_offsets: offsets,
    } = entry as { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] };
    const width = bytesPerElement[dtype];
    if (width === undefined) fail(`tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || shape.some((size) => !Number.isInteger(size) || size < 0))
      fail(`tensor '${name}' has a bad shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2)
      fail(`tensor '${name}' has bad data_offsets ${JSON.stringify(offsets)}`);
    const [begin, end] = offsets;
    const expected = shape.reduce((product, size) => product * size, 1) * width;
    if (end - begin !== expected)
      fail(
        `tensor '${name}' spans ${end - begin} bytes but dtype ${dtype} and shape [${shape.join(', ')}] need ${expected}`,
      );
    if (begin < 0 || end > dataLength)
      fail(
        `tensor '${name}' data [${begin}, ${end}) lies outside the ${dataLength}-byte data section (truncated file?)`,
      );
    // .slice copies into a fresh, aligned buffer (a Buffer's byteOffset is often unaligned)
    tensors.set(name, { dtype, shape, bytes: data.slice(dataStart + begin, dataStart + end) });
  }
  return { tensors, metadata };
}

/** Encode tensors (in the given order) and string metadata as safetensors bytes. */
export function encodeSafetensors(
  tensors: Iterable<[string, SafetensorsTensor]>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const expected = tensor.shape.reduce((product, size) => product * size, 1) * bytesPerElement[tensor.dtype];
    if (tensor.bytes.byteLength !== expected) {
      throw new SafetensorsError(
        `tensor '${name}': ${tensor.bytes.byteLength} bytes given, dtype ${tensor.dtype} and shape [${tensor.shape.join(', ')}] need ${expected}`,
      );
    }
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + expected] };
    chunks.push(tensor.bytes);
    offset += expected;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  while (encoder.encode(json).byteLength % 8 !== 0) json += ' ';
  const headerBytes = encoder.encode(json);
  const out = new Uint8Array(8 + headerBytes.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.byteLength;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.byteLength;
  }
  return out;
}

/** A float32 tensor from values (copied). */
export function float32Tensor(values: Float32Array | readonly number[], shape: readonly number[]): SafetensorsTensor {
  const array = values instanceof Float32Array ? values : Float32Array.from(values);
  return {
    dtype: 'F32',
    shape,
    bytes: new Uint8Array(array.buffer.slice(array.byteOffset, array.byteOffset + array.byteLength)),
  };
}

/** The values of an F32 tensor (or I64 / I32 / F64 converted to numbers). */
export function tensorValues(tensor: SafetensorsTensor): Float32Array | Float64Array | Int32Array | number[] {
  const { buffer, byteOffset, byteLength } = tensor.bytes;
  switch (tensor.dtype) {
    case 'F32':
      return new Float32Array(buffer, byteOffset, byteLength / 4);
    case 'F64':
      return new Float64Array(buffer, byteOffset, byteLength / 8);
    case 'I32':
      return new Int32Array(buffer, byteOffset, byteLength / 4);
    case 'I64':
      return Array.from(new BigInt64Array(buffer, byteOffset, byteLength / 8), Number);
    default:
      throw new SafetensorsError(`reading dtype ${tensor.dtype} as numbers is not supported`);
  }
}

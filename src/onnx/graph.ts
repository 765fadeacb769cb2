// Builds an ONNX graph in memory and serialises it as a ModelProto (field numbers from onnx.proto).
import { toHalf } from './half.ts';
import { ProtoWriter } from './protobuf.ts';

export type ElemType = 'float32' | 'float16' | 'int64' | 'int32' | 'bool' | 'uint8' | 'int8';
const ELEM_CODE: Record<ElemType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float16: 10 };

/** A typed attribute value: ONNX distinguishes ints from floats, JavaScript does not. */
export type Attr =
  | { kind: 'i'; v: number }
  | { kind: 'f'; v: number }
  | { kind: 's'; v: string }
  | { kind: 'ints'; v: number[] }
  | { kind: 'floats'; v: number[] };
export const attr = {
  i: (v: number): Attr => ({ kind: 'i', v }),
  f: (v: number): Attr => ({ kind: 'f', v }),
  s: (v: string): Attr => ({ kind: 's', v }),
  ints: (v: number[]): Attr => ({ kind: 'ints', v }),
  floats: (v: number[]): Attr => ({ kind: 'floats', v }),
};

interface NodeDef {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
  domain: string;
  name: string;
}
interface ValueDef {
  name: string;
  elem: ElemType;
  dims: (number | string)[];
}
interface InitDef {
  name: string;
  elem: ElemType;
  dims: number[];
  raw?: Uint8Array;
  external?: { location: string; offset: number; length: number };
}

export class Graph {
  private nodes: NodeDef[] = [];
  private inputs: ValueDef[] = [];
  private outputs: ValueDef[] = [];
  private inits: InitDef[] = [];
  private shapes: ValueDef[] = [];
  private names = new Set<string>();
  private constCache = new Map<string, string>();

  /** A fresh value name with a readable prefix. */
  fresh(prefix: string): string {
    let name = prefix;
    for (let k = 1; this.names.has(name); k++) name = `${prefix}_${k}`;
    this.names.add(name);
    return name;
  }

  input(name: string, elem: ElemType, dims: (number | string)[]): string {
    this.names.add(name);
    this.inputs.push({ name, elem, dims });
    return name;
  }

  output(value: string, name: string, elem: ElemType, dims: (number | string)[]): void {
    const out = name === value ? value : this.op('Identity', [value], {}, name);
    this.outputs.push({ name: out, elem, dims });
  }

  /** Declares the type and shape of an intermediate value (value_info) where inference cannot know it. */
  shape(name: string, elem: ElemType, dims: (number | string)[]): string {
    this.shapes.push({ name, elem, dims });
    return name;
  }

  /** A small constant stored inside the model file (shapes, axes, scalars). */
  constant(values: ArrayLike<number>, dims: number[], elem: ElemType = 'float32'): string {
    const key = `${elem}:${dims.join(',')}:${Array.from(values).join(',')}`;
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const raw =
      elem === 'float32'
        ? new Uint8Array(Float32Array.from(values).buffer)
        : elem === 'float16'
          ? new Uint8Array(toHalf(values).buffer)
          : elem === 'int64'
            ? new Uint8Array(BigInt64Array.from(Array.from(values), (v) => BigInt(v)).buffer)
            : elem === 'int32'
              ? new Uint8Array(Int32Array.from(values).buffer)
              : elem === 'uint8' || elem === 'int8'
                ? Uint8Array.from(values, (v) => v & 255)
                : Uint8Array.from(values);
    const name = this.fresh('const');
    this.inits.push({ name, elem, dims, raw });
    this.constCache.set(key, name);
    return name;
  }

  ints(values: number[]): string {
    return this.constant(values, [values.length], 'int64');
  }

  scalar(value: number): string {
    return this.constant([value], [], 'float32');
  }

  /** A weight whose bytes live in an external file next to the model file. */
  external(
    name: string,
    dims: number[],
    location: string,
    offset: number,
    length: number,
    elem: ElemType = 'float32',
  ): string {
    this.names.add(name);
    this.inits.push({ name, elem, dims, external: { location, offset, length } });
    return name;
  }

  op(op: string, inputs: string[], attrs: Record<string, Attr> = {}, outName?: string, domain = ''): string {
    return this.opN(op, inputs, 1, attrs, outName ? [outName] : undefined, domain)[0];
  }

  opN(
    op: string,
    inputs: string[],
    nOut: number,
    attrs: Record<string, Attr> = {},
    outNames?: string[],
    domain = '',
  ): string[] {
    const outputs = outNames ?? Array.from({ length: nOut }, () => this.fresh(op.toLowerCase()));
    for (const o of outputs) this.names.add(o);
    this.nodes.push({ op, inputs, outputs, attrs, domain, name: this.fresh(`n_${op}`) });
    return outputs;
  }

  serialize(opsets: Record<string, number>, irVersion = 10): Uint8Array {
    const w = new ProtoWriter();
    w.int(1, irVersion);
    w.string(2, 'diffbench');
    for (const [domain, version] of Object.entries(opsets)) w.message(8, (o) => o.string(1, domain).int(2, version));
    w.message(7, (g) => {
      for (const n of this.nodes) g.message(1, (m) => writeNode(m, n));
      g.string(2, 'diffbench');
      for (const t of this.inits) g.message(5, (m) => writeTensor(m, t));
      for (const v of this.inputs) g.message(11, (m) => writeValueInfo(m, v));
      for (const v of this.outputs) g.message(12, (m) => writeValueInfo(m, v));
      for (const v of this.shapes) g.message(13, (m) => writeValueInfo(m, v));
    });
    return w.finish();
  }
}

function writeNode(m: ProtoWriter, n: NodeDef): void {
  for (const i of n.inputs) m.string(1, i);
  for (const o of n.outputs) m.string(2, o);
  m.string(3, n.name);
  m.string(4, n.op);
  if (n.domain) m.string(7, n.domain);
  for (const [name, a] of Object.entries(n.attrs)) {
    m.message(5, (w) => {
      w.string(1, name);
      switch (a.kind) {
        case 'f':
          w.float(2, a.v).int(20, 1);
          break;
        case 'i':
          w.int(3, a.v).int(20, 2);
          break;
        case 's':
          w.string(4, a.v).int(20, 3);
          break;
        case 'floats':
          for (const v of a.v) w.float(7, v);
          w.int(20, 6);
          break;
        case 'ints':
          for (const v of a.v) w.int(8, v);
          w.int(20, 7);
          break;
      }
    });
  }
}

function writeTensor(m: ProtoWriter, t: InitDef): void {
  for (const d of t.dims) m.int(1, d);
  m.int(2, ELEM_CODE[t.elem]);
  m.string(8, t.name);
  if (t.raw) m.bytes(9, t.raw);
  if (t.external) {
    const entries: [string, string][] = [
      ['location', t.external.location],
      ['offset', String(t.external.offset)],
      ['length', String(t.external.length)],
    ];
    for (const [k, v] of entries) m.message(13, (e) => e.string(1, k).string(2, v));
    m.int(14, 1);
  }
}

function writeValueInfo(m: ProtoWriter, v: ValueDef): void {
  m.string(1, v.name);
  m.message(2, (t) =>
    t.message(1, (tt) => {
      tt.int(1, ELEM_CODE[v.elem]);
      tt.message(2, (s) => {
        for (const d of v.dims) s.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

// Readable single tokens. A BPE piece is a byte string in disguise: byte-level BPE maps each byte to
// a printable character (space -> Ġ, newline -> Ċ), SentencePiece writes ▁ for space and <0xHH> for
// raw bytes. We recover the bytes and print them as text, escaping what is not whole UTF-8.

/** GPT-2's byte <-> unicode table: printable bytes map to themselves, the rest to U+0100 upwards. */
function byteLevelDecoder(): Map<string, number> {
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b++) printable.push(b);
  for (let b = 0xae; b <= 0xff; b++) printable.push(b);
  const table = new Map<string, number>();
  for (const b of printable) table.set(String.fromCodePoint(b), b);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    if (!printable.includes(b)) table.set(String.fromCodePoint(256 + extra++), b);
  }
  return table;
}

const BYTE_LEVEL = byteLevelDecoder();

export type PieceStyle = 'byte-level' | 'sentencepiece' | 'plain';

/** The bytes a vocabulary piece stands for. */
export function pieceBytes(piece: string, style: PieceStyle): Uint8Array {
  if (style === 'byte-level') {
    const out: number[] = [];
    for (const ch of piece) {
      const b = BYTE_LEVEL.get(ch);
      if (b !== undefined) out.push(b);
      else out.push(...Buffer.from(ch, 'utf8'));
    }
    return Uint8Array.from(out);
  }
  if (style === 'sentencepiece') {
    const hex = piece.match(/^<0x([0-9A-Fa-f]{2})>$/);
    if (hex) return Uint8Array.of(parseInt(hex[1], 16));
    return Buffer.from(piece.replace(/\u2581/g, ' '), 'utf8');
  }
  return Buffer.from(piece, 'utf8');
}

function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** Whole UTF-8 characters as text, other bytes as \xHH; newlines and tabs escaped so a token fits on one line. */
export function renderBytes(bytes: Uint8Array): string {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes[i]);
    let ch: string | undefined;
    if (n > 0 && i + n <= bytes.length) {
      try {
        ch = decoder.decode(bytes.subarray(i, i + n));
      } catch {
        ch = undefined;
      }
    }
    if (ch === undefined) {
      out += `\\x${bytes[i].toString(16).padStart(2, '0')}`;
      i += 1;
      continue;
    }
    const code = ch.codePointAt(0)!;
    out += ESCAPES[ch] ?? (code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : ch);
    i += n;
  }
  return out;
}

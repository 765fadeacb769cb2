// One field of a result or cache file name (organism id, method id and version, seed, suite id), written
// so that different values never give the same name: a readable form where it can be read back
// unambiguously ('/' as '__'), else a sanitised prefix and a hash of the value ('~' marks it; the
// readable form never contains '~').

import { shortHash } from './hash.ts';

const READABLE = /^[A-Za-z0-9][A-Za-z0-9_.\-/]*$/;
/** Longer readable forms are hashed: file names stay far below the usual 255-byte limit. */
const MAX_READABLE = 64;

/** The name a value's readable form reads back as ('__' is '/'). */
const readBack = (name: string) => name.replace(/__/g, '/');

export function fileNameField(value: string): string {
  const readable = value.replace(/\//g, '__');
  const unambiguous =
    READABLE.test(value) &&
    readable.length <= MAX_READABLE &&
    readBack(readable) === value &&
    // '--' separates the fields of a file name; '.' and '..' are not names
    !readable.includes('--') &&
    !readable.endsWith('-') &&
    !/^\.+$/.test(readable);
  if (unambiguous) return readable;
  const prefix = readable.replace(/[^A-Za-z0-9_.]+/g, '_').slice(0, 32);
  return `${prefix}~${shortHash(value)}`;
}

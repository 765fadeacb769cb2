// Python's `str.format` with named fields only, as the toolkit fills its agent prompt templates:
// `{name}` is replaced, `{{` and `}}` are literal braces; anything else in braces is an error.

export function pythonFormat(template: string, values: Record<string, string>, where: string): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (match, field: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    if (field === undefined) throw new Error(`${where}: a single '${match}' in a format template`);
    if (!/^[A-Za-z_]\w*$/.test(field)) throw new Error(`${where}: unsupported format field '{${field}}'`);
    const value = values[field];
    if (value === undefined)
      throw new Error(`${where}: no value for '{${field}}' (given: ${Object.keys(values).join(', ')})`);
    return value;
  });
}

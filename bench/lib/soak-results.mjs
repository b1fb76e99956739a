import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export const SOAK_START = '<!-- soak:start -->';
export const SOAK_END = '<!-- soak:end -->';

/**
 * Puts `markdown` between the soak markers of `file`: in place of the block there, or appended
 * (after a blank line) when the file has none. Nothing outside the markers changes.
 */
export function writeSoakBlock(file, markdown) {
  const block = `${SOAK_START}\n${markdown.trim()}\n${SOAK_END}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const start = text.indexOf(SOAK_START);
  const end = start === -1 ? -1 : text.indexOf(SOAK_END, start);
  if (start !== -1 && end !== -1) {
    writeFileSync(file, `${text.slice(0, start)}${block}${text.slice(end + SOAK_END.length)}`);
  } else {
    const separator = text === '' ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    writeFileSync(file, `${text}${separator}${block}\n`);
  }
}

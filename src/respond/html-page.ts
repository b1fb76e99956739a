import { STATUS_CODES } from 'node:http';
import type { Failure } from '../describe/failure.js';
import { stringifySafely } from '../internal/json.js';
import type { ErrorPageInfo } from './respond.interfaces.js';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe inside HTML elements and quoted attributes: `& < > " '` become entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** The page's data, from the failure as the envelope carries it (masked per mode). */
export function pageInfoOf(failure: Failure, details: unknown): ErrorPageInfo {
  return {
    status: failure.status,
    statusText: STATUS_CODES[failure.status] ?? 'Error',
    code: failure.code,
    reason: failure.reason,
    message: failure.message,
    requestId: failure.requestId,
    ...(details !== undefined && { details }),
    ...failure.debug,
  };
}

// No scripts, no external assets: the page's own CSP forbids everything but its inline style.
const STYLE = `
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--box:#f6f8fa;--accent:#cf222e}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--box:#151b23;--accent:#ff7b72}}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg)}
main{max-width:56rem;margin:3rem auto;padding:0 1.5rem}
.status{margin:0;color:var(--accent);font-weight:600;letter-spacing:.02em}
h1{margin:.25rem 0 1.5rem;font-size:1.75rem;line-height:1.25;overflow-wrap:anywhere}
h2{margin:2rem 0 .5rem;font-size:1.1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1.5rem;margin:0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
code,pre{font:14px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{margin:0;padding:1rem;background:var(--box);border:1px solid var(--line);border-radius:6px;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
ul,ol{margin:0;padding-left:1.5rem}
.debug{margin:0 0 1.5rem;padding:.5rem 1rem;border-left:4px solid var(--accent);background:var(--box)}
.library{color:var(--muted)}`;

/** Validation field errors (`[{ field, messages }]`) as a list, anything else as JSON. */
function detailsSection(details: unknown): string {
  const fields =
    Array.isArray(details) &&
    details.length > 0 &&
    details.every((entry) => typeof entry?.field === 'string' && Array.isArray(entry.messages));
  if (fields) {
    const items = (details as Array<{ field: string; messages: unknown[] }>).map(
      ({ field, messages }) =>
        `<li><code>${escapeHtml(field)}</code>: ${messages.map((message) => escapeHtml(String(message))).join('; ')}</li>`,
    );
    return `<h2>Details</h2><ul>${items.join('')}</ul>`;
  }
  const json = JSON.stringify(JSON.parse(stringifySafely(details)), null, 2);
  return `<h2>Details</h2><pre>${escapeHtml(json)}</pre>`;
}

/** The stack with the frames of node_modules and Node's internals dimmed: the app's own stand out. */
function stackSection(stack: string): string {
  const lines = stack.split('\n').map((line) => {
    const escaped = escapeHtml(line);
    return /node_modules|\(node:|at node:/.test(line) ? `<span class="library">${escaped}</span>` : escaped;
  });
  return `<h2>Stack</h2><pre>${lines.join('\n')}</pre>`;
}

function causeSection(cause: NonNullable<ErrorPageInfo['cause']>): string {
  const items = cause.map(
    ({ name, message }) => `<li><strong>${escapeHtml(name)}</strong>: ${escapeHtml(message)}</li>`,
  );
  return `<h2>Cause chain</h2><ol>${items.join('')}</ol>`;
}

/**
 * The built-in page: status, reason, code, message and request id; in development mode (when
 * `info` carries a stack) a debug page that adds the stack and the cause chain. Every value is
 * escaped.
 */
export function errorPage(info: ErrorPageInfo): string {
  const development = info.stack !== undefined || info.cause !== undefined;
  const heading = `${info.status} ${escapeHtml(info.statusText)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="robots" content="noindex">
<title>${heading}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${development ? '<p class="debug">Development mode: this page shows the error&#39;s internals. In production it shows only the status, reason, code, message and request id.</p>\n' : ''}<p class="status">${heading}</p>
<h1>${escapeHtml(info.message)}</h1>
<dl>
<dt>Reason</dt><dd><code>${escapeHtml(info.reason)}</code></dd>
<dt>Code</dt><dd><code>${escapeHtml(String(info.code))}</code></dd>
<dt>Request id</dt><dd><code>${escapeHtml(info.requestId)}</code></dd>
</dl>
${info.details === undefined ? '' : detailsSection(info.details)}${info.stack === undefined ? '' : stackSection(info.stack)}${info.cause === undefined ? '' : causeSection(info.cause)}
</main>
</body>
</html>
`;
}

/** The small HTML pages that links in emails open (reminder actions, account confirmations). */
export const linkPage = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · todo-app</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#15803d;color:#fff;cursor:pointer}</style>
</head><body>${body}</body></html>`;

export const escape = (s: string) =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

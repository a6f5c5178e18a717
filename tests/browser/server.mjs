// A tiny static server for the built site: serves DIR under PREFIX (e.g. /backlot/), the way
// GitHub Pages serves a project site, with its 404.html for missing paths. Loopback only.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8", ".json": "application/json",
  ".xml": "application/xml", ".txt": "text/plain; charset=utf-8", ".svg": "image/svg+xml",
  ".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp", ".ico": "image/x-icon",
};

export function serve(dir, prefix, port = 0) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(prefix)) return send(res, 404, path.join(root, "404.html"));
    rel = rel.slice(prefix.length);
    let file = path.join(root, rel);
    if (!file.startsWith(root)) return send(res, 403, null);
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (!url.pathname.endsWith("/")) {
        res.writeHead(301, { Location: url.pathname + "/" });
        return res.end();
      }
      file = path.join(file, "index.html");
    }
    if (!fs.existsSync(file)) return send(res, 404, path.join(root, "404.html"));
    send(res, 200, file);
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => resolve({ server, port: server.address().port }));
  });
}

function send(res, status, file) {
  if (!file || !fs.existsSync(file)) {
    res.writeHead(status, { "Content-Type": "text/plain" });
    return res.end(String(status));
  }
  res.writeHead(status, { "Content-Type": TYPES[path.extname(file)] || "application/octet-stream" });
  fs.createReadStream(file).pipe(res);
}

// `node server.mjs DIR PREFIX PORT`: serve by hand to look at a build.
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [dir = "public", prefix = "/backlot/", port = "8123"] = process.argv.slice(2);
  serve(dir, prefix, Number(port)).then(({ port }) => console.log(`http://127.0.0.1:${port}${prefix}`));
}

// Builds the portal to dist/: one script and one stylesheet, named by their
// content's hash (so CloudFront and browsers may cache them for a year),
// and index.html, which names them and is never cached.
import {build} from 'esbuild';
import {createHash} from 'node:crypto';
import {mkdir, readFile, rm, writeFile} from 'node:fs/promises';
import {gzipSync} from 'node:zlib';

const out = new URL('./dist/', import.meta.url);
await rm(out, {recursive: true, force: true});
await mkdir(new URL('assets/', out), {recursive: true});

const result = await build({
  entryPoints: ['src/main.tsx'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  write: false,
  legalComments: 'none',
  logLevel: 'warning',
});
const js = result.outputFiles[0].contents;
const css = await readFile(new URL('./src/styles.css', import.meta.url));

const named = async (bytes, ext) => {
  const name = `assets/app-${createHash('sha256').update(bytes).digest('hex').slice(0, 12)}.${ext}`;
  await writeFile(new URL(name, out), bytes);
  return name;
};
const script = await named(js, 'js');
const style = await named(css, 'css');

await writeFile(new URL('index.html', out), `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Provider Portal</title>
<link rel="stylesheet" href="/${style}">
<script type="module" src="/${script}"></script>
</head>
<body>
<div id="app"><noscript>The provider portal needs JavaScript.</noscript></div>
</body>
</html>
`);

const gz = gzipSync(js, {level: 9}).length;
await writeFile(new URL('build.json', out), JSON.stringify({script, style, scriptBytes: js.length, scriptGzipBytes: gz}) + '\n');
console.log(`web/dist: ${script} ${js.length} bytes (${gz} gzipped), ${style} ${css.length} bytes`);

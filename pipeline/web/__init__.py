"""`vanban serve`: a local web application over the store and the library.

An interface, like the CLI: it imports from vanban.pipeline / extractors /
schemas and nothing imports it. Every page is a view of a JSON endpoint
(`/api/...`, listed at `/api` and in `/api/openapi.json`): the handler builds
the data once, and returns it as JSON or renders it with a template.

What it promises:

* the store is only read (every query opens it read-only, sandboxed, for the
  length of the request, so an ingest can take it in between); the one write
  is an explicit "add" of an uploaded file, done by `vanban.pipeline.batch.ingest`
  itself in a child process, under the store's ingest lock;
* an upload is bounded in size (read in chunks, refused past the limit) and in
  time and memory (read and extracted in a worker process that is killed past
  its time limit), and read by the same readers as the CLI, whose `ReadError`
  message is shown;
* everything printed is escaped (Jinja2 autoescaping; no inline script; a
  strict Content-Security-Policy), and the only files served are the static
  assets and the original files the store records, by document id, when their
  sha256 still matches.

Modules: `app` (routes), `uploads` and `worker` (uploads), `queries` (read-only
store queries), `comparison` (the one adapter over pipeline.analysis.compare),
`graphview` (the citation graph), `charts` (server-drawn SVG), `highlight`
(overlapping spans to markup), `labels` (Vietnamese vocabulary), `apidoc`.
"""

"""The routes: every page is a view of one JSON endpoint (`/api/...`).

A handler builds its data once (`_data_*`), then either returns it as JSON or
renders a template with it. Blocking work (DuckDB, the graph, the upload
worker) runs in the thread pool so one slow request does not stop the rest.
"""
from __future__ import annotations

import json
import math
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from vanban import __version__
from vanban.pipeline.store import StoreBusy, StoreError
from vanban.pipeline.web import apidoc, charts, comparison, graphview, labels, queries
from vanban.pipeline.web.highlight import pieces
from vanban.pipeline.web.uploads import ACCEPTED, Staging, TooLarge, add_to_store, analyse, warm_up, write_upload
from vanban.pipeline.web.worker import WorkerBusy, WorkerError, WorkerPool

MB = 1024 * 1024
TEXT_SHOWN = 400_000          # characters of an upload's text drawn on its page
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass
class Settings:
    db: str = "vanban.duckdb"
    uploads_dir: str | None = None         # where "add" puts files (default: DB.uploads beside the store)
    max_upload_mb: float = 25.0
    timeout: float = 60.0                  # seconds to read and extract one upload
    memory_mb: int | None = 2048           # address-space limit of the upload worker
    workers: int = 1
    allowed_hosts: list[str] = field(default_factory=lambda: ["127.0.0.1", "localhost", "::1"])

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * MB)

    @property
    def uploads_path(self) -> Path:
        return Path(self.uploads_dir) if self.uploads_dir else Path(str(self.db) + ".uploads")


class ApiError(Exception):
    def __init__(self, status: int, message: str, title: str | None = None):
        super().__init__(message)
        self.status, self.message, self.title = status, message, title


def _jsonable(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    return v


class ApiJSON(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(_jsonable(content), ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")


# Every response: no inline script, nothing from elsewhere, no framing, no sniffing.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(msg):
            if msg["type"] == "http.response.start":
                headers = list(msg.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                             (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
                             (b"cross-origin-opener-policy", b"same-origin")):
                    if k not in names:
                        headers.append((k, v))
                msg = {**msg, "headers": headers}
            await send(msg)

        await self.app(scope, receive, send_with_headers)


def _env() -> Environment:
    env = Environment(loader=PackageLoader("vanban.pipeline.web", "templates"), autoescape=True,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = labels.number
    env.filters["doctype"] = labels.doc_type
    env.globals.update(ITEM_KINDS=labels.ITEM_KINDS, PART_KINDS=labels.PART_KINDS, LAYOUTS=labels.LAYOUTS,
                       RELATIONS=labels.RELATIONS, version=__version__, urlencode=urlencode)
    return env


def _int(v: str | None, lo: int | None = None, hi: int | None = None) -> int | None:
    if v is None or v.strip() == "":
        return None
    try:
        n = int(v)
    except ValueError:
        raise ApiError(400, f"'{v[:40]}' không phải là số nguyên")
    if (lo is not None and n < lo) or (hi is not None and n > hi):
        raise ApiError(400, f"{n} nằm ngoài khoảng cho phép")
    return n


def _bool(v: str | None) -> bool:
    return (v or "").lower() in ("1", "true", "yes", "on", "co", "có")


def create_app(settings: Settings, *, staging_root: str | Path | None = None) -> Starlette:
    env = _env()
    db = str(settings.db)
    state: dict[str, Any] = {}

    def staging() -> Staging:
        return state["staging"]

    def pool() -> WorkerPool:
        return state["pool"]

    graphs = graphview.GraphCache(db)

    # -- responses ----------------------------------------------------------

    def is_api(request: Request) -> bool:
        return request.url.path.startswith("/api/") or request.url.path == "/api"

    def page(request: Request, template: str, data: dict[str, Any], status: int = 200, **extra: Any) -> HTMLResponse:
        html = env.get_template(template).render(request=request, data=data, db=db, settings=settings,
                                                 nav=request.url.path, **extra)
        return HTMLResponse(html, status_code=status)

    def error_response(request: Request, status: int, message: str, title: str | None = None) -> Response:
        if is_api(request):
            return ApiJSON({"error": {"status": status, "message": message}}, status_code=status)
        titles = {400: "Yêu cầu không hợp lệ", 404: "Không tìm thấy", 405: "Không được phép", 409: "Xung đột",
                  410: "Tệp không còn", 413: "Tệp quá lớn", 422: "Không đọc được tệp",
                  503: "Kho dữ liệu chưa sẵn sàng"}
        return page(request, "error.html", {"status": status, "message": message,
                                            "title": title or titles.get(status, "Lỗi")}, status=status)

    async def call(fn, *args, **kw):
        """Run blocking store work in the thread pool, mapping store errors to HTTP errors."""
        try:
            return await run_in_threadpool(fn, *args, **kw)
        except StoreBusy as e:
            raise ApiError(503, f"Kho đang bận (đang nạp dữ liệu): {e}")
        except StoreError as e:
            msg = str(e)
            if msg.startswith("no store at"):
                raise ApiError(503, f"Chưa có kho dữ liệu {db}. Tạo kho bằng lệnh: vanban ingest THƯ_MỤC --db {db}",
                               "Chưa có kho dữ liệu")
            raise ApiError(503, f"Không đọc được kho dữ liệu: {msg}")
        except graphview.GraphError as e:
            raise ApiError(404, str(e))

    # -- home -------------------------------------------------------------

    async def data_status(request: Request) -> dict:
        d = await call(queries.status, db)
        d["upload_limit_mb"] = settings.max_upload_mb
        return d

    async def home(request: Request):
        return page(request, "index.html", await data_status(request))

    async def api_status(request: Request):
        return ApiJSON(await data_status(request))

    # -- upload -------------------------------------------------------------

    async def receive_upload(request: Request):
        """Read the multipart body, at most the size limit, into a staged file."""
        limit = settings.max_upload_bytes
        slack = 64 * 1024                      # the multipart envelope around the file
        cl = request.headers.get("content-length", "")
        too_large = ApiError(413, f"Tệp lớn hơn giới hạn {settings.max_upload_mb:g} MB cho mỗi lần tải lên.")
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise ApiError(400, "Gửi tệp bằng multipart/form-data, trường 'file'.")
        seen = 0

        async def drain():
            # Read what the client still sends (to a bound) so it sees the answer, not a reset connection.
            nonlocal seen
            while seen < limit * 4 + 64 * MB:
                msg = await request.receive()
                if msg["type"] != "http.request":
                    return
                seen += len(msg.get("body", b""))
                if not msg.get("more_body"):
                    return

        if cl.isdigit() and int(cl) > limit + slack:
            await drain()
            raise too_large

        async def receive():
            nonlocal seen
            msg = await request.receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit + slack:
                    raise TooLarge()
            return msg

        limited = Request(request.scope, receive)
        try:
            form = await limited.form(max_files=1, max_fields=8)
        except TooLarge:
            await drain()
            raise too_large
        except Exception as e:          # malformed multipart
            raise ApiError(400, f"Không đọc được nội dung gửi lên: {e}")
        try:
            up = form.get("file")
            if not isinstance(up, UploadFile) or not up.filename:
                raise ApiError(400, "Chưa chọn tệp nào để tải lên.")
            st = staging().new(up.filename)
            try:
                await write_upload(up, st, limit)
            except TooLarge:
                staging().drop(st.token)
                raise too_large
        finally:
            await form.close()
        return st

    async def process_upload(request: Request) -> dict:
        st = await receive_upload(request)
        try:
            res = await run_in_threadpool(pool().call, str(st.path), st.name)
        except WorkerBusy as e:
            staging().drop(st.token)
            raise ApiError(503, str(e), "Máy chủ đang bận")
        except WorkerError as e:
            staging().drop(st.token)
            raise ApiError(422, f"{st.name}: {e}")
        if not res.get("ok"):
            staging().drop(st.token)
            raise ApiError(422, res["message"])
        res.update({"token": st.token, "name": st.name, "size": st.size, "sha256": st.sha256})
        st.result_path.write_text(json.dumps(res, ensure_ascii=False), encoding="utf-8")
        return res

    async def data_upload(token: str) -> tuple[Any, dict]:
        st = staging().get(token)
        res = st.result() if st else None
        if res is None:
            raise ApiError(404, "Không còn tệp tải lên này (máy chủ chỉ giữ các tệp tải lên gần đây; "
                                "xin tải lên lại).")
        try:
            res["in_store"] = await run_in_threadpool(queries.documents_by_sha, db, st.sha256)
        except StoreError:
            res["in_store"] = []
        res["counts"] = {k: sum(1 for i in res["items"] if i["kind"] == k) for k in labels.ITEM_KINDS}
        return st, res

    async def upload_form(request: Request):
        return page(request, "upload.html", {"accepted": ACCEPTED, "limit_mb": settings.max_upload_mb,
                                             "timeout": settings.timeout})

    async def upload_post(request: Request):
        res = await process_upload(request)
        return RedirectResponse(f"/upload/{res['token']}", status_code=303)

    async def api_upload_post(request: Request):
        res = await process_upload(request)
        _, full = await data_upload(res["token"])
        return ApiJSON(full, status_code=201)

    def text_view(request: Request, res: dict, **extra: Any) -> HTMLResponse:
        """The text with every item highlighted, the outline and the items (an
        upload, or a stored document read again from its original file)."""
        spans = []
        for it in res["items"]:
            spans.append((it["id"], it["kind"], it["start"], it["end"]))
            for m in it.get("mentions") or []:
                if (m["start"], m["end"]) != (it["start"], it["end"]):
                    spans.append((it["id"], it["kind"], m["start"], m["end"]))
        anchors = {o["start"] for o in res.get("outline") or []}
        # A page stays a page: a very long text is shown up to a bound (the JSON has all of it).
        shown = res["text"][:TEXT_SHOWN]
        ps = pieces(shown, spans, anchors)
        by_id = {it["id"]: it for it in res["items"]}
        return page(request, "upload_result.html", res, pieces=ps, by_id=by_id, cut=len(res["text"]) - len(shown),
                    **extra)

    async def upload_view(request: Request):
        st, res = await data_upload(request.path_params["token"])
        return text_view(request, res)

    async def api_upload_get(request: Request):
        _, res = await data_upload(request.path_params["token"])
        return ApiJSON(res)

    async def upload_extraction(request: Request):
        st, res = await data_upload(request.path_params["token"])
        body = json.dumps(res["extraction"], ensure_ascii=False, indent=1)
        stem = Path(st.name).stem or "vanban"
        return Response(body, media_type="application/json; charset=utf-8",
                        headers={"Content-Disposition": _attachment(f"{stem}.vanban.json")})

    async def do_add(request: Request) -> dict:
        token = request.path_params["token"]
        st = staging().get(token)
        if st is None or st.result() is None:
            raise ApiError(404, "Không còn tệp tải lên này; xin tải lên lại.")
        _origin_check(request)
        rec = await run_in_threadpool(add_to_store, st, settings.uploads_path, db, settings.timeout)
        if rec["status"] == "busy":
            raise ApiError(503, f"Kho đang bận (một lần nạp khác đang ghi): {rec['message']}", "Kho đang bận")
        if not rec["ok"]:
            raise ApiError(422, f"Không thêm được vào kho: {rec['message']}", "Không thêm được vào kho")
        did = await call(queries.document_id_for_path, db, rec["path"])
        if did is None:
            raise ApiError(409, "Đã nạp nhưng không thấy văn bản trong kho.")
        return {"status": rec["status"], "document_id": did, "path": rec["path"], "url": f"/documents/{did}"}

    async def upload_add(request: Request):
        rec = await do_add(request)
        return RedirectResponse(f"/documents/{rec['document_id']}?added={rec['status']}", status_code=303)

    async def api_upload_add(request: Request):
        return ApiJSON(await do_add(request))

    def _origin_check(request: Request) -> None:
        """A write must come from a page of this server (not a form on another site)."""
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if origin.split("://", 1)[-1] != host:
                raise ApiError(403, "Yêu cầu ghi phải đến từ chính trang của máy chủ này.")

    # -- documents ------------------------------------------------------------

    def filters_of(request: Request) -> dict:
        q = request.query_params
        return {k: (q.get(k) or "").strip()[:200] or None for k in ("q", *queries.FACETS)}

    async def data_documents(request: Request) -> dict:
        page_no = _int(request.query_params.get("page"), 1, 100000) or 1
        return await call(queries.list_documents, db, filters_of(request), page_no)

    async def documents(request: Request):
        d = await data_documents(request)
        return page(request, "documents.html", d, facet_names={"province": "Tỉnh, thành", "doc_type": "Loại văn bản",
                                                                "issuer": "Cơ quan ban hành", "year": "Năm"})

    async def api_documents(request: Request):
        return ApiJSON(await data_documents(request))

    def doc_id_of(request: Request) -> int:
        did = queries.parse_id(request.path_params["id"])
        if did is None:
            raise ApiError(404, "Mã văn bản không hợp lệ.")
        return did

    async def data_document(request: Request) -> dict:
        did = doc_id_of(request)
        d = await call(queries.get_document, db, did)
        if d is None:
            raise ApiError(404, "Không có văn bản này trong kho.")
        G = await call(graphs.graph)
        d["links"] = graphview.links_of_document(G, did)
        return d

    async def document(request: Request):
        return page(request, "document.html", await data_document(request),
                    added=request.query_params.get("added"))

    async def api_document(request: Request):
        return ApiJSON(await data_document(request))

    async def data_document_text(request: Request) -> dict:
        did = doc_id_of(request)
        got = await call(queries.document_file, db, did)
        if got is None:
            if await call(queries.get_document, db, did) is None:
                raise ApiError(404, "Không có văn bản này trong kho.")
            raise ApiError(410, "Tệp gốc không còn, hoặc đã thay đổi từ khi nạp vào kho.")
        path, _, name = got
        try:
            res = await run_in_threadpool(pool().call, str(path), name)
        except WorkerBusy as e:
            raise ApiError(503, str(e), "Máy chủ đang bận")
        except WorkerError as e:
            raise ApiError(422, f"{name}: {e}")
        if not res.get("ok"):
            raise ApiError(422, res["message"])
        res.update({"document_id": str(did), "name": name, "size": path.stat().st_size})
        res["counts"] = {k: sum(1 for i in res["items"] if i["kind"] == k) for k in labels.ITEM_KINDS}
        return res

    async def document_text(request: Request):
        return text_view(request, await data_document_text(request))

    async def api_document_text(request: Request):
        return ApiJSON(await data_document_text(request))

    async def document_file(request: Request):
        did = doc_id_of(request)
        got = await call(queries.document_file, db, did)
        if got is None:
            raise ApiError(410, "Tệp gốc không còn, hoặc đã thay đổi từ khi nạp vào kho.")
        path, fmt, name = got
        media = {"pdf": "application/pdf", "txt": "text/plain; charset=utf-8"}.get(fmt, "application/octet-stream")
        # Always a download: an HTML original must never run as a page of this site.
        return FileResponse(path, media_type=media, headers={"Content-Disposition": _attachment(name),
                                                             "Content-Security-Policy": "sandbox"})

    # -- compare ------------------------------------------------------------------

    async def data_compare(request: Request) -> dict:
        q = request.query_params
        year = _int(q.get("year"), 1900, 2200)
        merged = _bool(q.get("merged"))
        status = q.get("status") or "target"
        if status not in comparison.STATUSES:
            raise ApiError(400, "status phải là target, actual hoặc all")
        code = (q.get("indicator") or "").strip() or None
        inds = await call(comparison.indicators, db, year=None, merged=merged, status=status)
        out: dict[str, Any] = {"indicator": code, "year": year, "merged": merged, "status": status,
                               "indicators": inds}
        if code:
            try:
                out.update(await call(comparison.comparison, db, code[:100], year=year, merged=merged,
                                      status=status))
            except comparison.UnknownIndicator:
                raise ApiError(404, f"Không có chỉ tiêu mã '{code[:60]}'.")
            out["name"] = next((i["name"] for i in inds if i["code"] == code), code)
        return out

    async def compare(request: Request):
        d = await data_compare(request)
        ch = charts.bar_charts(d.get("rows") or [])
        keep = {k: v for k, v in request.query_params.items() if k in ("indicator", "year", "merged", "status")}
        return page(request, "compare.html", d, charts=ch, csv_url="/api/compare.csv?" + urlencode(keep),
                    province_csv_url="/api/compare.csv?" + urlencode({**keep, "view": "province"}))

    async def api_compare(request: Request):
        return ApiJSON(await data_compare(request))

    async def api_compare_csv(request: Request):
        d = await data_compare(request)
        if not d.get("indicator"):
            raise ApiError(400, "Chọn một chỉ tiêu (indicator=…) để tải CSV.")
        per_province = request.query_params.get("view") == "province"
        body = "\ufeff" + (comparison.provinces_to_csv(d["by_province"]) if per_province   # BOM: spreadsheets
                           else comparison.to_csv(d["rows"]))                              # then read UTF-8
        name = f"so-sanh-{d['indicator']}" + ("-theo-tinh" if per_province else "") + (f"-{d['year']}" if d["year"] else "") + \
               ("-sau-sap-nhap" if d["merged"] else "") + ".csv"
        return Response(body.encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": _attachment(name)})

    # -- graph --------------------------------------------------------------------

    async def data_graph(request: Request) -> dict:
        limit = _int(request.query_params.get("limit"), 1, 500) or 30
        G = await call(graphs.graph)
        return graphview.top_cited(G, limit)

    async def graph(request: Request):
        return page(request, "graph.html", await data_graph(request))

    async def api_graph(request: Request):
        return ApiJSON(await data_graph(request))

    async def data_graph_node(request: Request) -> dict:
        ref = (request.query_params.get("id") or "").strip()
        if not ref:
            raise ApiError(400, "Cho biết văn bản: id=số hiệu, mã nút hoặc tên tệp.")
        G = await call(graphs.graph)
        try:
            return graphview.neighbourhood(G, ref[:300])
        except graphview.GraphError as e:
            raise ApiError(404, str(e))

    async def graph_node(request: Request):
        return page(request, "graph_node.html", await data_graph_node(request))

    async def api_graph_node(request: Request):
        return ApiJSON(await data_graph_node(request))

    # -- API description ------------------------------------------------------------

    async def api_page(request: Request):
        return page(request, "api.html", {"endpoints": apidoc.ENDPOINTS})

    async def api_openapi(request: Request):
        return ApiJSON(apidoc.openapi(__version__))

    # -- wiring ---------------------------------------------------------------------

    async def on_api_error(request: Request, exc: ApiError):
        return error_response(request, exc.status, exc.message, exc.title)

    async def on_http_error(request: Request, exc: HTTPException):
        msg = {404: "Không có trang này.", 405: "Phương thức không được phép ở địa chỉ này."}.get(
            exc.status_code, str(exc.detail))
        return error_response(request, exc.status_code, msg)

    async def on_error(request: Request, exc: Exception):
        import traceback
        traceback.print_exception(exc, file=sys.stderr)     # a bug: the log keeps the details
        return error_response(request, 500, f"Lỗi máy chủ: {type(exc).__name__}", "Lỗi máy chủ")

    def lifespan(app):
        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def span(app):
            root = Path(staging_root) if staging_root else Path(tempfile.mkdtemp(prefix="vanban-web-"))
            state["staging"] = Staging(root)
            state["pool"] = WorkerPool(analyse, n=settings.workers, max_waiting=4 * settings.workers, warm=warm_up,
                                       timeout=settings.timeout, memory_mb=settings.memory_mb)
            try:
                yield
            finally:
                state["pool"].close()
                state["staging"].close()
        return span(app)

    routes = [
        Route("/", home), Route("/api/status", api_status),
        Route("/upload", upload_form, methods=["GET"]), Route("/upload", upload_post, methods=["POST"]),
        Route("/api/upload", api_upload_post, methods=["POST"]),
        Route("/upload/{token}", upload_view), Route("/api/upload/{token}", api_upload_get),
        Route("/upload/{token}/extraction.json", upload_extraction),
        Route("/api/upload/{token}/extraction.json", upload_extraction),
        Route("/upload/{token}/add", upload_add, methods=["POST"]),
        Route("/api/upload/{token}/add", api_upload_add, methods=["POST"]),
        Route("/documents", documents), Route("/api/documents", api_documents),
        Route("/documents/{id}", document), Route("/api/documents/{id}", api_document),
        Route("/documents/{id}/file", document_file), Route("/api/documents/{id}/file", document_file),
        Route("/documents/{id}/text", document_text), Route("/api/documents/{id}/text", api_document_text),
        Route("/compare", compare), Route("/api/compare", api_compare), Route("/api/compare.csv", api_compare_csv),
        Route("/graph", graph), Route("/api/graph", api_graph),
        Route("/graph/node", graph_node), Route("/api/graph/node", api_graph_node),
        Route("/api", api_page), Route("/api/openapi.json", api_openapi),
        Mount("/static", app=StaticFiles(packages=[("vanban.pipeline.web", "static")]), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if "*" not in settings.allowed_hosts:
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=settings.allowed_hosts))
    return Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                     exception_handlers={ApiError: on_api_error, HTTPException: on_http_error, Exception: on_error})


def _attachment(name: str) -> str:
    """A Content-Disposition for a download named `name` (RFC 6266: ASCII fallback and UTF-8)."""
    from urllib.parse import quote

    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name) or "tep"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"

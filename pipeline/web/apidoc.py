"""The JSON API's description: one list of endpoints, from which both the
`/api` page and `/api/openapi.json` (OpenAPI 3.1) are made, and which the
tests hold against the routes the server really has."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Param:
    name: str
    where: str                 # query | path | form
    type: str                  # string | integer | boolean | file
    description: str
    required: bool = False


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    page: str | None = None                      # the HTML page that shows this data
    params: tuple[Param, ...] = field(default_factory=tuple)
    returns: str = "application/json"
    errors: tuple[int, ...] = ()


_ID = Param("id", "path", "string", "mã văn bản trong kho (số nguyên 64 bit, viết như chuỗi)", True)
_TOKEN = Param("token", "path", "string", "mã của tệp vừa tải lên (32 ký tự hex)", True)
_YEAR = Param("year", "query", "integer", "chỉ các chỉ tiêu của năm này")
_MERGED = Param("merged", "query", "boolean", "gộp theo tỉnh sau sáp nhập 1/7/2025 (1 = có)")
_STATUS = Param("status", "query", "string", "target (chỉ tiêu, mặc định), actual (kết quả) hoặc all")

ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("GET", "/api/status", "Kho dữ liệu: số văn bản, số mục theo loại, lần nạp gần nhất.", page="/"),
    Endpoint("POST", "/api/upload", "Tải lên một tệp (txt, pdf, html, docx, doc) và trích xuất; không ghi vào kho. "
                                    "Trả về văn bản đã chuẩn hoá, dàn ý, mọi mục với vị trí, quy tắc và giá trị.",
             page="/upload", params=(Param("file", "form", "file", "tệp văn bản (multipart/form-data)", True),),
             errors=(400, 413, 422, 503)),
    Endpoint("GET", "/api/upload/{token}", "Kết quả trích xuất của một tệp vừa tải lên.", page="/upload/{token}",
             params=(_TOKEN,), errors=(404,)),
    Endpoint("GET", "/api/upload/{token}/extraction.json", "Tải về bản ghi trích xuất (như `vanban extract --json`).",
             params=(_TOKEN,), errors=(404,)),
    Endpoint("POST", "/api/upload/{token}/add", "Thêm tệp vừa tải lên vào kho (ghi duy nhất của máy chủ, qua "
                                                "`vanban ingest`, có khoá kho).", params=(_TOKEN,),
             errors=(404, 409, 422, 503)),
    Endpoint("GET", "/api/documents", "Danh sách văn bản trong kho, lọc theo tỉnh, loại, cơ quan, năm và từ khoá; "
                                      "kèm số văn bản theo từng giá trị lọc.", page="/documents",
             params=(Param("q", "query", "string", "từ khoá (không phân biệt dấu, hoa thường) trong trích yếu, số "
                                                     "hiệu, cơ quan, tỉnh, tác giả, tên tệp"),
                     Param("province", "query", "string", "tỉnh, thành"),
                     Param("doc_type", "query", "string", "loại văn bản (mã: plan, decision, …)"),
                     Param("issuer", "query", "string", "cơ quan ban hành"),
                     Param("year", "query", "string", "năm ban hành hoặc đăng"),
                     Param("page", "query", "integer", "trang (50 văn bản một trang)")), errors=(503,)),
    Endpoint("GET", "/api/documents/{id}", "Một văn bản: thông tin, mọi mục trích xuất, văn bản nó trích dẫn và "
                                           "văn bản trong kho trích dẫn nó.", page="/documents/{id}",
             params=(_ID,), errors=(404, 503)),
    Endpoint("GET", "/api/documents/{id}/file", "Tệp gốc của văn bản (chỉ khi tệp còn nguyên như lúc nạp).",
             page="/documents/{id}/file", params=(_ID,), returns="application/octet-stream", errors=(404, 410)),
    Endpoint("GET", "/api/documents/{id}/text", "Văn bản đã chuẩn hoá của một văn bản trong kho, đọc lại từ tệp "
                                                "gốc bằng phiên bản hiện tại: mọi mục với vị trí, dàn ý.",
             page="/documents/{id}/text", params=(_ID,), errors=(404, 410, 422, 503)),
    Endpoint("GET", "/api/compare", "Không có `indicator`: mọi chỉ tiêu với số tỉnh, văn bản. Có `indicator`: "
                                    "`by_province`: mỗi tỉnh (và năm) một dòng, chỉ tiêu đặt ra so với kết quả "
                                    "một báo cáo sau đó nêu, văn bản nguồn (`merged`: gộp theo tỉnh sau sáp "
                                    "nhập, quy tắc ở `rollup_rule`); `rows`: mỗi chỉ tiêu trong văn bản một dòng.",
             page="/compare", params=(Param("indicator", "query", "string", "mã chỉ tiêu (xem danh sách)"),
                                      _YEAR, _MERGED, _STATUS), errors=(404, 503)),
    Endpoint("GET", "/api/compare.csv", "Bảng so sánh của một chỉ tiêu dưới dạng CSV (UTF-8): mỗi chỉ tiêu "
                                        "một dòng, hoặc mỗi tỉnh một dòng với `view=province`.",
             params=(Param("indicator", "query", "string", "mã chỉ tiêu", True), _YEAR, _MERGED, _STATUS,
                     Param("view", "query", "string", "`province`: mỗi tỉnh một dòng")),
             returns="text/csv", errors=(400, 404, 503)),
    Endpoint("GET", "/api/graph", "Đồ thị trích dẫn: số nút, số cạnh và các văn bản được trích dẫn nhiều nhất.",
             page="/graph", params=(Param("limit", "query", "integer", "số văn bản (mặc định 30)"),), errors=(503,)),
    Endpoint("GET", "/api/graph/node", "Lân cận của một văn bản: văn bản nó trích dẫn, văn bản trích dẫn nó, "
                                       "và hình vẽ.", page="/graph/node",
             params=(Param("id", "query", "string", "mã nút, số hiệu văn bản (13/2023/NĐ-CP) hoặc tên tệp", True),),
             errors=(400, 404, 503)),
    Endpoint("GET", "/api/openapi.json", "Mô tả OpenAPI 3.1 của API này.", page="/api"),
)


def _schema(t: str) -> dict[str, Any]:
    return {"file": {"type": "string", "format": "binary"}}.get(t, {"type": t})


def openapi(version: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for e in ENDPOINTS:
        op: dict[str, Any] = {"summary": e.summary, "responses": {"200": {"description": "OK", "content": {
            e.returns: {}}}}}
        for code in e.errors:
            op["responses"][str(code)] = {"description": "lỗi; JSON {\"error\": {\"status\", \"message\"}}"}
        qp = [{"name": p.name, "in": p.where, "required": p.required or p.where == "path",
               "description": p.description, "schema": _schema(p.type)} for p in e.params if p.where != "form"]
        if qp:
            op["parameters"] = qp
        form = [p for p in e.params if p.where == "form"]
        if form:
            op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {p.name: {**_schema(p.type), "description": p.description}
                                                 for p in form},
                "required": [p.name for p in form if p.required]}}}}
        if e.page:
            op["externalDocs"] = {"description": "trang hiển thị dữ liệu này", "url": e.page}
        paths.setdefault(e.path, {})[e.method.lower()] = op
    return {"openapi": "3.1.0",
            "info": {"title": "vanban serve", "version": version,
                     "description": "API JSON của vanban serve: mỗi trang là một cách xem một điểm cuối. Chỉ đọc "
                                    "kho, trừ POST /api/upload/{token}/add."},
            "paths": paths}

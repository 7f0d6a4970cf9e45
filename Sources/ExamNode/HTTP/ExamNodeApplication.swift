import Foundation
public import Hummingbird
import SeleksiHTTP

/// Builds the node's router: the candidate API, the proctor API, the exam and proctor
/// pages. The same function serves the real server and the tests.
public func buildExamRouter(service: ExamService) -> Router<ExamRequestContext> {
    let router = Router(context: ExamRequestContext.self)
    router.add(middleware: ClientAddressMiddleware(trustedProxies: Set(service.settings.trustedProxies)))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMiddleware(internalMessage: "Terjadi kesalahan di server. Jawaban yang sudah tersimpan tetap aman."))
    CandidateController(service: service).addRoutes(to: router.group("api/exam"))
    ProctorController(service: service).addRoutes(to: router.group("api/proctor"))
    LinkController(service: service).addRoutes(to: router.group("api/link"))
    ScreenPage(service: service).addRoutes(to: router)
    let resources = Bundle.module.resourcePath ?? "."
    // The pages and the document are read once, at start; scripts and styles come through
    // Hummingbird's FileMiddleware, revalidated by ETag (`no-cache`), so a node that is
    // updated between sessions is never served stale to the next candidate.
    router.add(
        middleware: FileMiddleware(
            resources + "/Web",
            urlBasePath: "/static",
            cacheControl: .init([(MediaType(type: .any), [.noCache])]),
            searchForIndexHtml: false
        )
    )
    let documents = [
        ("/openapi.json", "openapi.json", "application/json"), ("/", "Web/ujian.html", "text/html; charset=utf-8"),
        ("/pengawas", "Web/pengawas.html", "text/html; charset=utf-8"),
    ]
    for (path, file, type) in documents {
        let body = FileManager.default.contents(atPath: resources + "/" + file).map { ByteBuffer(bytes: $0) }
        router.get(RouterPath(path)) { _, _ in
            guard let body else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: body))
        }
    }
    return router
}

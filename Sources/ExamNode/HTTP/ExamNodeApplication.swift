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
    let resources = Bundle.module.resourcePath ?? "."
    router.get("/openapi.json") { _, _ in
        guard let data = FileManager.default.contents(atPath: resources + "/openapi.json") else { throw HTTPError(.notFound) }
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"], body: .init(byteBuffer: .init(bytes: data)))
    }
    if let web = Bundle.module.resourcePath.map({ $0 + "/Web" }) {
        router.get("/") { _, _ in try page(web + "/ujian.html") }
        router.get("/pengawas") { _, _ in try page(web + "/pengawas.html") }
        router.get("/static/:file") { _, context in
            let file = try context.parameters.require("file")
            guard file.range(of: "^[a-z0-9-]+\\.(js|css)$", options: .regularExpression) != nil else { throw HTTPError(.notFound) }
            return try page(web + "/" + file)
        }
    }
    return router
}

private func page(_ path: String) throws -> Response {
    guard let data = FileManager.default.contents(atPath: path) else { throw HTTPError(.notFound) }
    let type = path.hasSuffix(".js") ? "text/javascript; charset=utf-8" : path.hasSuffix(".css") ? "text/css; charset=utf-8" : "text/html; charset=utf-8"
    return Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

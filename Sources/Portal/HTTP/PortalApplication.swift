import Foundation
public import Hummingbird
import Logging
import NIOCore
public import Registration
import SeleksiCore
import SeleksiHTTP

/// The portal's router and the list of its API routes (for the OpenAPI check).
public struct PortalRouter {
    public let router: Router<PortalRequestContext>
    public let apiRoutes: [APIRoute]
}

/// Builds the portal: the JSON API under `/api`, the pages, `/openapi.json` and the
/// static files. The same function serves the real server and the tests.
public func buildPortalRouter(service: RegistrationService) async throws -> PortalRouter {
    let router = Router(context: PortalRequestContext.self)
    router.add(middleware: ClientAddressMiddleware(trustedProxies: Set(service.settings.trustedProxies)))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: PortalErrorMiddleware())
    router.add(middleware: SameOriginMiddleware(publicURL: service.settings.publicURL))
    router.add(middleware: AuthMiddleware(service: service))
    let table = RouteTable()
    let publicCache = TTLCache<ByteBuffer>(clock: service.clock, lifetimeMilliseconds: 5_000)
    let hub = LiveScoreHub(service: service)
    PortalAPI(service: service, cache: publicCache, hub: hub).register(on: router, table: table)
    let pages = try await PageRenderer.load(formTokens: FormTokens(key: try FormTokens.key(in: service.settings.data), clock: service.clock))
    ApplicantPages(service: service, pages: pages).register(on: router)
    StaffPages(service: service, pages: pages).register(on: router)
    CommitteePages(service: service, pages: pages, publicCache: publicCache).register(on: router)
    AnnouncementPages(service: service, pages: pages).register(on: router)
    BoardPages(service: service, pages: pages).register(on: router)
    ObserverPages(service: service, pages: pages).register(on: router)
    LivePages(service: service, pages: pages, hub: hub).register(on: router)
    ClaimPages(service: service, pages: pages).register(on: router)
    let resources = Bundle.module.resourcePath ?? "."
    // The style sheet through Hummingbird's FileMiddleware, cached by browsers for an hour
    // (and revalidated by ETag); the document is read once, at start.
    router.add(
        middleware: FileMiddleware(
            resources + "/Static",
            urlBasePath: "/static",
            cacheControl: .init([(MediaType(type: .any), [.public, .maxAge(3600)])]),
            searchForIndexHtml: false
        )
    )
    let document = FileManager.default.contents(atPath: resources + "/openapi.json").map { ByteBuffer(bytes: $0) }
    router.get("/openapi.json") { _, _ in
        guard let document else { throw HTTPError(.notFound) }
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"], body: .init(byteBuffer: document))
    }
    return PortalRouter(router: router, apiRoutes: table.routes)
}

/// Errors on `/api` answer the JSON error body; errors on pages answer a short HTML
/// page with the same Indonesian message (or send an unauthenticated visitor to login).
struct PortalErrorMiddleware: RouterMiddleware {
    let json = ErrorMiddleware<PortalRequestContext>(internalMessage: "Terjadi kesalahan di server. Data yang sudah tersimpan tetap aman; coba lagi.")

    func handle(_ request: Request, context: PortalRequestContext, next: (Request, PortalRequestContext) async throws -> Response) async throws -> Response {
        if isAPI(request) { return try await json.handle(request, context: context, next: next) }
        do {
            return try await next(request, context)
        } catch let error as any PublicError {
            if error.status == 401 {
                return Response(status: .seeOther, headers: [.location: request.uri.path.hasPrefix("/staf") ? "/staf/masuk" : "/masuk"])
            }
            return Self.page(error.status, error.message)
        } catch let error as HTTPError {
            return Self.page(error.status.code, error.status.code == 404 ? "Halaman tidak ditemukan." : error.status.reasonPhrase)
        } catch is NIOTooManyBytesError {
            return Self.page(413, "Isi permintaan terlalu besar.")
        } catch {
            context.logger.error("unexpected error", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            return Self.page(500, "Terjadi kesalahan di server. Data yang sudah tersimpan tetap aman; coba lagi.")
        }
    }

    static func page(_ status: Int, _ message: String) -> Response {
        let escaped = message.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">",
            with: "&gt;"
        )
        let html = """
            <!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Seleksi</title><link rel="stylesheet" href="/static/portal.css"></head>
            <body><main><h1>Tidak dapat diproses</h1><p class="error">\(escaped)</p><p><a href="/">Beranda</a></p></main></body></html>
            """
        return Response(
            status: .init(code: status),
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }
}

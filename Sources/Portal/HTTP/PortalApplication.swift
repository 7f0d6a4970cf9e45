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
    let pages = try await PageRenderer.load(formTokens: FormTokens(key: try FormTokens.key(in: service.settings.data), clock: service.clock))
    // Twice: outside, for what the origin and session checks refuse (the page then shows
    // no one signed in); inside, for the rest, so that an error page keeps the menu of
    // whoever is signed in.
    router.add(middleware: PortalErrorMiddleware(pages: pages))
    router.add(middleware: SameOriginMiddleware(publicURL: service.settings.publicURL))
    router.add(middleware: AuthMiddleware(service: service))
    router.add(middleware: PortalErrorMiddleware(pages: pages))
    let table = RouteTable()
    let publicCache = TTLCache<ByteBuffer>(clock: service.clock, lifetimeMilliseconds: 5_000)
    let hub = LiveScoreHub(service: service)
    PortalAPI(service: service, cache: publicCache, hub: hub).register(on: router, table: table)
    ApplicantPages(service: service, pages: pages).register(on: router)
    StaffPages(service: service, pages: pages).register(on: router)
    CommitteePages(service: service, pages: pages, publicCache: publicCache).register(on: router)
    AnnouncementPages(service: service, pages: pages).register(on: router)
    BoardPages(service: service, pages: pages).register(on: router)
    ObserverPages(service: service, pages: pages).register(on: router)
    InterviewerPages(service: service, pages: pages).register(on: router)
    InterviewCommitteePages(service: service, pages: pages).register(on: router)
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

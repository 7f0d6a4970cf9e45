import Foundation
import HTTPTypes
import SeleksiCore
import Testing

@testable import Portal

@Suite("The OpenAPI document matches the routes")
struct OpenAPITests {
    @Test("/openapi.json lists exactly the API routes the server registers")
    func documentMatchesRoutes() async throws {
        let portal = try await TestPortal()
        let routes = try await buildPortalRouter(service: portal.service).apiRoutes
        try await portal.test { client in
            let reply = try await client.send(.get, "/openapi.json")
            #expect(reply.status == 200)
            let paths = try #require(reply["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, operations) in paths {
                for method in operations.keys where ["get", "put", "post", "delete", "patch"].contains(method) { documented.insert("\(method) \(path)") }
            }
            let served = Set(routes.map { "\($0.method) \($0.path)" })
            #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        }
    }
}

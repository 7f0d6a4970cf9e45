import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import ExamNode

@Suite("Exam node: the OpenAPI document matches the routes")
struct ExamOpenAPITests {
    @Test("/openapi.json is served, and every operation it documents is a route of the node")
    func documentedOperationsExist() async throws {
        let node = try await TestNode()
        try await node.test { client in
            let (status, data) = try await client.send(.get, "/openapi.json")
            #expect(status == 200)
            let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var operations = 0
            for (path, methods) in paths {
                for method in methods.keys where ["get", "put", "post", "delete", "patch"].contains(method) {
                    operations += 1
                    let concrete = path.replacingOccurrences(of: "{id}", with: "sesi-x").replacingOccurrences(of: "{number}", with: "2024000001")
                        .replacingOccurrences(of: "{item}", with: "x").replacingOccurrences(of: "{file}", with: "ujian.js")
                    let (code, body) = try await client.send(HTTPRequest.Method(method.uppercased())!, concrete)
                    let error = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["error"] as? [String: Any]
                    // Reached a handler: anything but the router's own "no such route".
                    #expect(!(code == 404 && error?["code"] as? String == "not-found"), "\(method) \(path) is documented but not served")
                }
            }
            #expect(operations >= 20)
        }
    }

    @Test("the document lists exactly the node's API routes, both ways")
    func documentMatchesRoutes() async throws {
        let node = try await TestNode()
        let served = Set(node.node.router().routes.map { "\($0.method.rawValue.lowercased()) \($0.path.description)" }.filter { $0.contains(" /api/") })
        try await node.test { client in
            let (_, data) = try await client.send(.get, "/openapi.json")
            let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var documented: Set<String> = []
            for (path, methods) in paths where path.hasPrefix("/api/") {
                for method in methods.keys where ["get", "put", "post", "delete", "patch"].contains(method) { documented.insert("\(method) \(path)") }
            }
            #expect(served.count >= 15)
            #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
        }
    }

}

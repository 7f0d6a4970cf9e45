import ExamNode
import Foundation
import Logging
import Portal
import Registration
import SeleksiCore
import Testing

@testable import SeleksiCommands

/// `seleksi serve` joins its node and its portal with the same signed packages as between
/// machines, handed over in the process.
@Suite("serve: the same packages, in the process")
struct LocalLinkTests {
    @Test("the node is registered for the period's venues, gets its roster package, and its results would go back the same way")
    func roster() async throws {
        let folder = NSTemporaryDirectory() + "seleksi-local-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var settings = PortalSettings()
        settings.data = folder + "/portal"
        settings.bcryptCost = 4
        let portal = try PortalServer.openService(settings: settings)
        try await PortalDemo.fill(portal)
        var configuration = ExamNodeConfiguration()
        configuration.dataDirectory = folder + "/node"
        configuration.settings.portalPublicKey = try settings.signingKey().publicKey
        let node = try buildExamNode(configuration)
        let link = PortalLink(
            service: node.service,
            settings: PortalLinkSettings(url: "https://127.0.0.1:1", nodeID: LocalPortalTransport.nodeID),
            transport: LocalPortalTransport(portal: portal, nodeKey: node.signingKey.publicKey, nodeURL: "https://127.0.0.1:2"),
            logger: Logger(label: "test")
        )
        let report = try await link.syncOnce()
        #expect(report.roster.hasPrefix("versi 1"), "\(report)")
        let slots = try await portal.slots().map(\.id).sorted()
        #expect(try await node.service.sessions().map(\.id).sorted() == slots)
        let registered = try #require(try await portal.store.nodes(periodID: try await portal.period().id).first { $0.id == LocalPortalTransport.nodeID })
        #expect(Set(registered.venues) == Set(try await portal.slots().map(\.venue)) && registered.registeredBy == "sistem")
        // Nothing changed: the same version, and no second registration.
        #expect(try await link.syncOnce().roster.hasPrefix("versi 1"))
        #expect(try await portal.store.audit(AuditFilter(action: "node.register", limit: 10)).count == 1)
    }
}

import Foundation
import Portal
import Registration
import SeleksiCore
import Testing

@testable import SeleksiCommands

@Suite("Portal demo data")
struct PortalDemoTests {
    @Test("--demo fills an empty portal with an open period, every formation type, slots and staff; a second run changes nothing")
    func demo() async throws {
        var settings = PortalSettings()
        settings.data = NSTemporaryDirectory() + "seleksi-demo-" + UUID().uuidString
        settings.bcryptCost = 4
        defer { try? FileManager.default.removeItem(atPath: settings.data) }
        let service = try PortalServer.openService(settings: settings)
        try await PortalDemo.fill(service)
        let period = try await service.period()
        let now = service.clock.nowMilliseconds()
        #expect(period.registration.contains(now) && period.verification.contains(now))
        let (_, formations, _) = try await service.formations(FormationFilter(pageSize: 100))
        #expect(Set(formations.map(\.type)) == Set(FormationType.allCases))
        #expect(try await service.testLocations().count == 4)
        // Slots at a venue's ordinary hours, in the venue's own zone.
        let slots = try await service.slots()
        for (id, time) in [("kupang-1", "07.30 WITA"), ("jakarta-3", "13.00 WIB"), ("manokwari-4", "15.00 WIT"), ("banjarmasin-2", "09.30 WITA")] {
            let start = slots.first { $0.id == id }?.localStart ?? "-"
            #expect(start.hasSuffix(time), "\(id): \(start)")
        }
        let staff = try await service.store.audit(AuditFilter(action: "staff.create"))
        #expect(Set(staff.map(\.subject)) == ["admin", "verif-kemenkeu", "verif-kupang", "verif-bkn", "pengawas", "pewawancara", "pengamat"])
        try await PortalDemo.fill(service)
        #expect(try await service.store.audit(AuditFilter(action: "staff.create")).count == 7)
    }
}

import Foundation
public import SeleksiCore

/// Which registration store the configuration chooses (`store:` in `Config/portal.yaml`).
public enum StoreChoice: String, Sendable, Codable, CaseIterable {
    /// One SQLite file under the data folder: the embedded default.
    case sqlite
}

extension PortalSettings {
    /// Opens (creating and migrating) the store the configuration names.
    public func openStore(clock: any ServerClock) throws -> any RegistrationStore {
        switch store {
        case .sqlite:
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            return try SQLiteRegistrationStore.open(path: data + "/portal.sqlite", clock: clock)
        }
    }
}

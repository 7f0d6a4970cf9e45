import Foundation
public import Hummingbird
public import Logging
public import Registration
public import SeleksiCore
import SeleksiHTTP
import SeleksiStorage
public import ServiceLifecycle

/// Hands the outbox to the mailer every second until the portal shuts down.
struct MailService: Service {
    let delivery: MailDelivery
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let sent = try await delivery.deliverPending()
                if sent > 0 { logger.info("email terkirim: \(sent)") }
            } catch {
                logger.error("pengiriman email: \(error)")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }
}

/// The running portal: HTTPS, HTTP redirecting to it, the mail outbox and the store's checkpointer.
public enum PortalServer {
    /// Opens the store under the data folder, creating it, and runs the migrations.
    public static func openService(settings: PortalSettings, clock: any ServerClock = SystemClock()) throws -> RegistrationService {
        let store = try settings.openStore(clock: clock)
        let registry = try settings.civilRegistryFile.isEmpty ? nil : FileCivilRegistry(file: settings.civilRegistryFile)
        return try RegistrationService(
            store: store,
            clock: clock,
            settings: settings,
            documentDirectory: settings.data + "/documents",
            civilRegistry: registry
        )
    }

    public static func services(service: RegistrationService, logger: Logger) async throws -> [any Service] {
        let settings = service.settings
        let listen = ListenSettings(
            host: settings.host,
            httpsPort: settings.httpsPort,
            httpPort: settings.httpPort,
            dataDirectory: settings.data,
            certificatePath: settings.tlsCertificate,
            keyPath: settings.tlsKey,
            publicURL: settings.publicURL,
            idleTimeoutSeconds: settings.idleTimeoutSeconds,
            maxConnections: settings.maxConnections,
            selfSignedName: "Seleksi portal"
        )
        let portal = try await buildPortalRouter(service: service)
        let applications = try HTTPSServer.applications(
            router: portal.router,
            settings: listen,
            serverName: "seleksi-portal",
            configHint: "Config/portal.yaml",
            logger: logger
        )
        let mail = MailDelivery(store: service.store, command: settings.mailCommand, folder: settings.data + "/mail", clock: service.clock)
        var services: [any Service] = applications + [MailService(delivery: mail, logger: logger)]
        services += service.store.maintenance(logger: logger)
        return services
    }
}

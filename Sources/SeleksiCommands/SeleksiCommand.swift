public import ArgumentParser

/// `seleksi`: the command line of the recruitment system.
public struct SeleksiCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "seleksi",
        abstract: "Seleksi: pendaftaran dan ujian CAT seleksi ASN.",
        subcommands: [
            ServeCommand.self, PortalCommand.self, ExamNodeCommand.self, BankCommand.self, PaperCommand.self, SelectionCommand.self, HandoffCommand.self,
            VerifyAnnouncementCommand.self,
            BenchCommand.self,
        ]
    )

    public init() {}
}

import ArgumentParser

/// What a command prints and the exit status it ends with. Commands compute one and
/// only then print it, so tests can check both without capturing the terminal.
public struct CommandResult: Error, Sendable {
    public var text: String
    public var status: Int32

    public init(text: String = "", status: Int32 = 0) {
        self.text = text
        self.status = status
    }

    mutating func line(_ line: String = "") { text += line + "\n" }

    /// Prints the text and ends with the status (`ExitCode(2)`: the input has problems).
    func finish() throws {
        if !text.isEmpty { print(text, terminator: text.hasSuffix("\n") ? "" : "\n") }
        if status != 0 { throw ExitCode(status) }
    }
}

/// Defaults every command shares: banks under `QuestionBanks`, rule sets under `Config/rules`.
enum Defaults {
    static let bankDirectory = "QuestionBanks"
    static let rulesDirectory = "Config/rules"
}

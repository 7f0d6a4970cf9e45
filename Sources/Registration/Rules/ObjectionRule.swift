/// Who may object to an administrative result, and when an objection may be answered.
/// The service checks it before the write and the store again inside its transaction
/// (two requests racing see one winner).
public enum ObjectionRule {
    /// One objection per application, only against TMS, within the objection days.
    /// - Parameter deadline: `SelectionPeriod.objectionDeadline`; nil when nothing was announced.
    public static func fileRefusal(result: VerificationResult?, alreadyFiled: Bool, now: Int64, deadline: Int64?) -> RegistrationError? {
        guard result != nil, let deadline else { return .resultNotAnnounced }
        guard result == .tms else { return .objectionNotAllowed }
        guard !alreadyFiled else { return .objectionTwice }
        guard now <= deadline else { return .objectionClosed(deadline) }
        return nil
    }

    /// An objection is answered once.
    public static func answerRefusal(filed: Bool, answered: Bool) -> RegistrationError? {
        filed && !answered ? nil : .noObjection
    }
}

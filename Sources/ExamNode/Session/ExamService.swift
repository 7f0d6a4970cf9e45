import Crypto
import ExamEngine
import Foundation
import SeleksiAuth
public import SeleksiCore
import Synchronization

/// The exam node's operations: sessions and rosters for proctors, the paper, answers
/// and the clock for candidates. Every operation is one transaction; every staff action
/// and every time credit goes to the audit log.
public struct ExamService: Sendable {
    /// Every read and write goes through it, one transaction per operation.
    let store: any ExamStore
    public let clock: any ServerClock
    public let catalog: ExamCatalog
    public let settings: ExamSettings
    /// The item ids of each candidate's paper, so that a save need not decode the paper.
    let paperItems = PaperCache<Set<String>>()
    /// Whose token is whose (session, participant number), so that a save finds the
    /// paper's items before it enters the writer.
    let tokenOwners = TokenOwners()
    /// Each candidate's paper, kept from the roster load (or decoded once after a
    /// restart), so that a full room's first fetches decode nothing.
    let papers = PaperCache<Paper>()
    /// Recent wrong logins per client address (`ExamSettings.loginFailuresPerAddress`).
    let addressFailures = AddressFailures()
    /// Recent wrong proctor sign-ins, per address and per name.
    let proctorFailures = AddressFailures()
    /// What moves when a session's state changes, for the exam page's short poll.
    let pulses = SessionPulses()
    /// One roster import at a time.
    let importing = RosterImportGate()

    init(store: any ExamStore, clock: any ServerClock, catalog: ExamCatalog, settings: ExamSettings = ExamSettings()) {
        self.store = store
        self.clock = clock
        self.catalog = catalog
        self.settings = settings
    }
}

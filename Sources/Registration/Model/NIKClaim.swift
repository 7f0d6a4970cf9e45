/// A claim by the owner of a NIK that another account holds: they file it with their KTP
/// and KK scans, a verifier compares the scans with both accounts, and an upheld claim
/// freezes the other account so that the owner can register.
public struct NIKClaim: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case pending
        case upheld
        case rejected

        public var indonesian: String {
            switch self {
            case .pending: "menunggu keputusan"
            case .upheld: "diterima"
            case .rejected: "ditolak"
            }
        }
    }

    public var id: Int64
    public var periodID: String
    public var nik: String
    public var kk: String
    public var name: String
    public var birthDate: String
    /// Where the claimant is told the decision (and, if upheld, signs up with).
    public var email: String
    public var phone: String
    /// In the claimant's words: how they found their NIK taken.
    public var statement: String
    /// The account that held the NIK when the claim was filed.
    public var heldAccountID: Int64
    /// The KTP and KK scans (`ktp`, `kk`).
    public var documents: [StoredDocument]
    public var filedAt: Int64
    public var status: Status
    public var decidedBy: String?
    public var decidedAt: Int64?
    public var decisionNote: String?

    public init(
        id: Int64,
        periodID: String,
        nik: String,
        kk: String,
        name: String,
        birthDate: String,
        email: String,
        phone: String,
        statement: String,
        heldAccountID: Int64,
        documents: [StoredDocument],
        filedAt: Int64,
        status: Status = .pending,
        decidedBy: String? = nil,
        decidedAt: Int64? = nil,
        decisionNote: String? = nil
    ) {
        self.id = id
        self.periodID = periodID
        self.nik = nik
        self.kk = kk
        self.name = name
        self.birthDate = birthDate
        self.email = email
        self.phone = phone
        self.statement = statement
        self.heldAccountID = heldAccountID
        self.documents = documents
        self.filedAt = filedAt
        self.status = status
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
        self.decisionNote = decisionNote
    }
}

public import SeleksiCore

/// An applicant's account: one per NIK per period.
public struct Account: Sendable, Codable, Hashable {
    public var id: Int64
    public var periodID: String
    public var nik: String
    public var kk: String
    public var name: String
    public var birthPlace: String
    /// `yyyy-MM-dd`.
    public var birthDate: String
    public var sex: Sex
    public var email: String
    public var phone: String
    public var emailVerified: Bool
    public var createdAt: Int64
    /// Set when an upheld NIK claim showed the NIK was someone else's: the account can no
    /// longer sign in, and its application is out of the selection.
    public var frozenAt: Int64?

    public init(
        id: Int64,
        periodID: String,
        nik: String,
        kk: String,
        name: String,
        birthPlace: String,
        birthDate: String,
        sex: Sex,
        email: String,
        phone: String,
        emailVerified: Bool,
        createdAt: Int64,
        frozenAt: Int64? = nil
    ) {
        self.id = id
        self.periodID = periodID
        self.nik = nik
        self.kk = kk
        self.name = name
        self.birthPlace = birthPlace
        self.birthDate = birthDate
        self.sex = sex
        self.email = email
        self.phone = phone
        self.emailVerified = emailVerified
        self.createdAt = createdAt
        self.frozenAt = frozenAt
    }
}

/// What an applicant fills in to sign up, before any check.
public struct SignUp: Sendable, Codable, Hashable {
    public var nik: String
    public var kk: String
    public var name: String
    public var birthPlace: String
    public var birthDate: String
    public var sex: String
    public var email: String
    public var phone: String
    public var password: String

    public init(nik: String, kk: String, name: String, birthPlace: String, birthDate: String, sex: String, email: String, phone: String, password: String) {
        self.nik = nik
        self.kk = kk
        self.name = name
        self.birthPlace = birthPlace
        self.birthDate = birthDate
        self.sex = sex
        self.email = email
        self.phone = phone
        self.password = password
    }
}

/// Staff roles; each is scoped (a verifier to an agency, an admin to a period).
public enum StaffRole: String, Sendable, Codable, CaseIterable {
    case verifier
    case admin
    case proctor
    case interviewer
    /// Inspectorate, ombudsman, partner agencies: reads progress, audit logs and the signed
    /// results behind every published score, within one period; changes nothing.
    case observer
}

public struct StaffAccount: Sendable, Codable, Hashable {
    public var id: Int64
    public var username: String
    public var role: StaffRole
    /// The agency a verifier works for; nil for other roles.
    public var agencyID: String?
    /// The period an observer watches; nil for other roles.
    public var periodID: String?

    public init(id: Int64, username: String, role: StaffRole, agencyID: String?, periodID: String? = nil) {
        self.id = id
        self.username = username
        self.role = role
        self.agencyID = agencyID
        self.periodID = periodID
    }
}

/// Who is calling: from a browser cookie or a bearer token of the same session table.
public enum Principal: Sendable, Hashable {
    case applicant(accountID: Int64)
    case staff(StaffAccount)
}

/// A signed-in session, as the edge sees it.
public struct AuthSession: Sendable, Hashable {
    public var principal: Principal
    /// The token a form must echo (CSRF), bound to this session.
    public var csrf: String
    public var expiresAt: Int64

    public init(principal: Principal, csrf: String, expiresAt: Int64) {
        self.principal = principal
        self.csrf = csrf
        self.expiresAt = expiresAt
    }
}

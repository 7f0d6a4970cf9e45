import ExamEngine
import Foundation
import Hummingbird
import Registration
import Selection

/// The SKB components scored by assessors (practical, psychological, health): committee
/// admins authorise a staff account per component and formation; the assessor lists the
/// candidates they may score and scores each against the rubric of the candidate's plan.
extension PortalAPI {
    struct AssessorBody: Decodable {
        let username: String
        /// `practical`, `psychological` or `health`.
        let component: String
        let formations: [String]
    }

    struct AssessorView: Encodable {
        let username: String
        let component: String
        let formationID: String
        let assignedAt: Int64
        let assignedBy: String

        init(_ assessor: SKBAssessor) {
            (username, component, formationID) = (assessor.username, assessor.component.rawValue, assessor.formationID)
            (assignedAt, assignedBy) = (assessor.assignedAt, assessor.assignedBy)
        }
    }

    struct CriterionView: Encodable {
        let code: String
        let name: String
        let min: Int
        let max: Int
    }

    struct AssessedView: Encodable {
        let participantNumber: String
        let name: String
        let formationID: String
        let total: Int?
        let maximum: Int
        let absent: Bool
        let scored: Bool
        let rubric: [CriterionView]
    }

    static func component(_ text: String?) throws -> SKBPlan.ComponentKind {
        guard let text, let kind = SKBPlan.ComponentKind(rawValue: text), RegistrationService.assessedComponents.contains(kind) else {
            throw RegistrationError.invalid("skb-component", "Komponen harus practical, psychological atau health.")
        }
        return kind
    }

    func registerSKBScores(_ api: RouterGroup<PortalRequestContext>, table: RouteTable) {
        table.add(api, .post, "admin/skb-assessors") { request, context -> Response in
            let staff = try requireAdmin(context)
            let body = try await request.decode(as: AssessorBody.self, context: context)
            let saved = try await service.assignSKBAssessor(
                staff: staff,
                username: body.username,
                component: try Self.component(body.component),
                formations: body.formations
            )
            return try created(JSONBody(["items": saved.map(AssessorView.init)]), request, context)
        }
        table.add(api, .get, "admin/skb-assessors") { _, context in
            JSONBody(["items": try await service.skbAssessors(staff: try requireAdmin(context)).map(AssessorView.init)])
        }
        table.add(api, .get, "assessor/candidates") { request, context in
            let staff = try context.staff()
            let component = try Self.component(request.formQuery["component"].map(String.init))
            let rows = try await service.assessedCandidates(staff: staff, component: component)
            return JSONBody([
                "items": rows.map { row in
                    AssessedView(
                        participantNumber: row.participantNumber,
                        name: row.name,
                        formationID: row.formationID,
                        total: row.score?.total,
                        maximum: row.rubric.maximum,
                        absent: row.score?.absent ?? false,
                        scored: row.score != nil,
                        rubric: row.rubric.rubric.map { CriterionView(code: $0.code, name: $0.name, min: $0.minimum, max: $0.maximum) }
                    )
                }
            ])
        }
        table.add(api, .put, "assessor/scores/{number}/{component}") { request, context in
            let staff = try context.staff()
            let component = try Self.component(context.parameters.get("component"))
            let body = try await request.decode(as: ScoreBody.self, context: context)
            let (score, maximum) = try await service.enterSKBScore(
                staff: staff,
                participantNumber: try context.parameters.require("number"),
                component: component,
                marks: body.marks ?? [:],
                absent: body.absent ?? false
            )
            return ScoreView(score, maximum: maximum)
        }
    }
}

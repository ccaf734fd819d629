/// One power-of-two-choices pick (least-request, p2c-ewma): the two endpoints drawn, the score
/// each had, and the one taken (the lower score; the first drawn on a tie). Scores are requests
/// in flight for least-request (Envoy) and the peak-EWMA cost in seconds for p2c-ewma (Linkerd:
/// latency estimate × (in flight + 1)); `unmeasuredCost` and above means an endpoint whose first
/// answer is still awaited (Finagle's penalty), 0 an idle unmeasured one.
/// `{"candidates":["web-1","web-3"],"scores":[0.012,0.04],"picked":"web-1"}`.
public struct BalancerPick: Codable, Sendable, Equatable {
    public static let unmeasuredCost = 1e6

    public var candidates: [String]
    public var scores: [Double]
    public var picked: String

    public init(candidates: [String], scores: [Double], picked: String) {
        self.candidates = candidates; self.scores = scores; self.picked = picked
    }
}

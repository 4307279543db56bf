// RiskFitting: Cox proportional hazards and logistic regression fitted by Newton–Raphson / IRLS,
// with the statistics a researcher reports (log-likelihoods, Wald, score and likelihood-ratio
// tests, model-based and robust variances, baseline cumulative hazards). Reference semantics:
// R `survival::coxph` (coxph.fit / coxfit6) and `glm(family = binomial)`; see each file's
// contract.

/// Why a fit failed. Payloads name the term as written in the terms formula; never a cell value.
public enum FittingError: Error, Equatable, Sendable {
    /// The terms formula could not be parsed (0-based character offset of the problem).
    case invalidFormula(position: Int, reason: FormulaProblem)
    /// A term uses a column that the cohort does not have.
    case absentColumn(term: String, column: String)
    /// A term's column is aliased: a linear combination of earlier terms (or constant).
    case collinear(term: String)
    /// Complete or quasi-complete separation: the coefficient of this term diverges (the
    /// likelihood keeps rising as it grows), or fitted probabilities reach 0 or 1.
    case separation(term: String)
    /// No convergence within the iteration limit; the term whose coefficient moved most (in
    /// standard errors) in the last step is named.
    case notConverged(iterations: Int, term: String)
    /// The cohort has no usable rows, or no events (or, for logistic, only one outcome class).
    case noEvents
    /// Inputs of unequal lengths, or a non-finite value, or a non-positive weight.
    case invalidInput(InputProblem)
}

/// A problem in a terms formula.
public enum FormulaProblem: Equatable, Sendable {
    case emptyTerm
    case unknownFunction(String)
    /// `hinge(column, knot)` needs a column and a numeric knot.
    case badArguments(String)
    case unbalancedParenthesis
    case duplicateTerm(String)
}

/// A problem with the numeric inputs handed to a fitter.
public enum InputProblem: Equatable, Sendable {
    case lengthMismatch
    case nonFiniteValue(term: String)
    case nonPositiveWeight
    case nonPositiveTime
    case nonBinaryOutcome
}

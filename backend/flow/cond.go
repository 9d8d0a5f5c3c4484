package flow

import (
	"strconv"
	"strings"
)

// Condition operators.
const (
	OpEquals                 = "Equals"
	OpNumberGreaterThan      = "NumberGreaterThan"
	OpNumberLessThan         = "NumberLessThan"
	OpNumberGreaterOrEqualTo = "NumberGreaterOrEqualTo"
	OpNumberLessOrEqualTo    = "NumberLessOrEqualTo"
	OpTextContains           = "TextContains"
	OpTextStartsWith         = "TextStartsWith"
	OpTextEndsWith           = "TextEndsWith"
)

var operatorNames = []string{
	OpEquals, OpNumberGreaterThan, OpNumberLessThan, OpNumberGreaterOrEqualTo,
	OpNumberLessOrEqualTo, OpTextContains, OpTextStartsWith, OpTextEndsWith,
}

var knownOperators = func() map[string]bool {
	m := map[string]bool{}
	for _, o := range operatorNames {
		m[o] = true
	}
	return m
}()

// Error types shared by many actions.
const (
	ErrNoMatchingError     = "NoMatchingError"
	ErrNoMatchingCondition = "NoMatchingCondition"
)

// Evaluate reports whether value satisfies the condition. Operands are the
// condition's first operand, with references resolved by the caller.
//
// Equals compares text exactly, or numerically when both sides are numbers
// ("1.0" equals "1"). The Number operators are false when either side is not
// a number. The Text operators are case-sensitive.
func Evaluate(op, value, operand string) bool {
	switch op {
	case OpEquals:
		if value == operand {
			return true
		}
		a, okA := parseNum(value)
		b, okB := parseNum(operand)
		return okA && okB && a == b
	case OpNumberGreaterThan, OpNumberLessThan, OpNumberGreaterOrEqualTo, OpNumberLessOrEqualTo:
		a, okA := parseNum(value)
		b, okB := parseNum(operand)
		if !okA || !okB {
			return false
		}
		switch op {
		case OpNumberGreaterThan:
			return a > b
		case OpNumberLessThan:
			return a < b
		case OpNumberGreaterOrEqualTo:
			return a >= b
		default:
			return a <= b
		}
	case OpTextContains:
		return strings.Contains(value, operand)
	case OpTextStartsWith:
		return strings.HasPrefix(value, operand)
	case OpTextEndsWith:
		return strings.HasSuffix(value, operand)
	}
	return false
}

func parseNum(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseFloat(s, 64)
	return n, err == nil
}

// matchCondition returns the index of the first condition of a that value
// satisfies, or -1. Operands may hold references.
func (r *runner) matchCondition(a *Action, value string) int {
	for i, c := range a.Transitions.Conditions {
		if len(c.Condition.Operands) == 0 {
			continue
		}
		if Evaluate(c.Condition.Operator, value, r.s.Interpolate(c.Condition.Operands[0])) {
			return i
		}
	}
	return -1
}

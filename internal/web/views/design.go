package views

import "strings"

// menuTotal is the sum of the back-office navigation badges, shown on the
// collapsed phone menu.
func menuTotal(counters map[string]int) int {
	n := 0
	for _, c := range counters {
		n += c
	}
	return n
}

// describedBy is a field's one aria-describedby: its hint and its error
// message, when it has them ("" when none).
func describedBy(name string, hint, hasError bool) string {
	var ids []string
	if hint {
		ids = append(ids, name+"-hint")
	}
	if hasError {
		ids = append(ids, name+"-error")
	}
	return strings.Join(ids, " ")
}

package views

// menuTotal is the sum of the back-office navigation badges, shown on the
// collapsed phone menu.
func menuTotal(counters map[string]int) int {
	n := 0
	for _, c := range counters {
		n += c
	}
	return n
}

package views

import (
	"strconv"
	"time"
)

func pageURL(base string, page int) string {
	return base + "?page=" + strconv.Itoa(page)
}

// timeParseDate reads a YYYY-MM-DD date.
func timeParseDate(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// filteredPageURL is pageURL with the filters of the list kept.
func filteredPageURL(base, query string, page int) string {
	if query == "" {
		return pageURL(base, page)
	}
	return pageURL(base, page) + "&" + query
}

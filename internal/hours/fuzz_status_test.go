package hours

import (
	"testing"
	"time"
)

// FuzzStatusAt: for any valid day and any instant, the status is coherent:
// open means a closing time after now; closed means a next opening after
// now (or none); the French sentence is never empty.
func FuzzStatusAt(f *testing.F) {
	f.Add(525, 720, 840, 1080, int64(1774800000))
	f.Add(0, 1440, -1, -1, int64(1792000000))
	f.Add(600, 610, 605, 700, int64(0))
	f.Fuzz(func(t *testing.T, o1, c1, o2, c2 int, unix int64) {
		d := Day{}
		if o1 >= 0 {
			d.Ranges = append(d.Ranges, Range{Open: o1, Close: c1})
		}
		if o2 >= 0 {
			d.Ranges = append(d.Ranges, Range{Open: o2, Close: c2})
		}
		if d.Validate() != nil {
			return
		}
		var w Week
		for i := range w {
			w[i] = Day{Weekday: time.Weekday((i + 1) % 7), Ranges: d.Ranges}
		}
		now := time.Unix(unix%4102444800, 0).In(Paris()) // up to 2100
		st := w.StatusAt(now)
		if st.Open && !st.Until.IsZero() && !st.Until.After(now) {
			t.Fatalf("open at %v until %v", now, st.Until)
		}
		if !st.Open && !st.Next.IsZero() && !st.Next.After(now) {
			t.Fatalf("closed at %v, next opening %v", now, st.Next)
		}
		if st.French(now) == "" {
			t.Fatal("empty status sentence")
		}
	})
}

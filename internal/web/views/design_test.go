package views

import (
	"context"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/vparrot/garage/internal/garage"
)

func TestPageLinks(t *testing.T) {
	for _, tc := range []struct {
		page, pages int
		want        []int
	}{
		{1, 3, []int{1, 2, 3}},
		{5, 12, []int{1, 0, 4, 5, 6, 0, 12}},
		{1, 12, []int{1, 2, 0, 12}},
		{12, 12, []int{1, 0, 11, 12}},
	} {
		s := &CarSearch{Page: tc.page, Pages: tc.pages}
		if got := s.PageLinks(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("page %d of %d: %v, want %v", tc.page, tc.pages, got, tc.want)
		}
	}
}

// TestFilterChips: each active filter is a chip whose link removes it and
// keeps the others; the sort order is no chip.
func TestFilterChips(t *testing.T) {
	v, _ := url.ParseQuery("prix_max=15000&marque=Peugeot&energie=diesel&tri=prix&page=2")
	s := &CarSearch{Values: v, Facets: &garage.CarFacets{}}
	chips := s.Chips()
	if len(chips) != 3 {
		t.Fatalf("chips: %+v", chips)
	}
	if chips[0].Label != "Prix : jusqu'à 15000\u00a0€" || chips[0].RemoveURL != "/occasions?energie=diesel&marque=Peugeot&tri=prix" {
		t.Errorf("price chip: %+v", chips[0])
	}
	if chips[1].Label != "Peugeot" || chips[1].RemoveURL == "" {
		t.Errorf("make chip: %+v", chips[1])
	}
	for _, c := range chips {
		u, _ := url.Parse(c.RemoveURL)
		if u.Query().Get("tri") != "prix" {
			t.Errorf("%s: removing a filter lost the sort order", c.Label)
		}
	}
}

// TestAverageStars: an average shows as stars filled to the nearest half
// star, and says its value to screen readers elsewhere (aria-hidden here).
func TestAverageStars(t *testing.T) {
	for avg, want := range map[float64]string{0: "stars-fill-0", 1: "stars-fill-2", 4.24: "stars-fill-8", 4.25: "stars-fill-9",
		4.7: "stars-fill-9", 4.75: "stars-fill-10", 5: "stars-fill-10", 7: "stars-fill-10", -1: "stars-fill-0"} {
		var b strings.Builder
		if err := averageStars(avg).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), `class="stars-fill `+want+`"`) || !strings.Contains(b.String(), `aria-hidden="true"`) {
			t.Errorf("%v: %s, want %s", avg, b.String(), want)
		}
	}
}

package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/vparrot/garage/internal/garage"
)

// CarsByIDs returns the cars of ids that exist, whatever their status, in
// the order of ids (unknown IDs are left out). At most a few dozen IDs are
// expected (favourites, comparison).
func (s *Store) CarsByIDs(ctx context.Context, ids []int64) (list []*garage.Car, err error) {
	defer wrap(&err, "read cars by id")
	if len(ids) == 0 {
		return nil, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = "$" + strconv.Itoa(i+1)
		args[i] = id
	}
	found, err := queryAll(ctx, s.db, scanCar, `SELECT `+carColumns+` FROM cars c WHERE c.id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*garage.Car, len(found))
	for _, c := range found {
		byID[c.ID] = c
	}
	for _, id := range ids {
		if c, ok := byID[id]; ok {
			list = append(list, c)
		}
	}
	return list, nil
}

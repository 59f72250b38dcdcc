// The etcd reference's load: closed-loop puts from C clients over N gRPC connections to the
// leader, the shape of etcd's own `benchmark put --clients 64 --conns 8`, written for Faultline's
// bench (bench/etcd.ts builds and runs it). Each client puts key k<client> with a counter as the
// value and waits for the answer before the next put, as the TCP bench's writers do.
//
// Prints "measuring" once the warm-up is over, then one JSON line: puts, seconds, and this
// process's CPU during the measured loop.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"go.etcd.io/etcd/clientv3"
)

func leaderOf(endpoints []string) string {
	for attempt := 0; attempt < 100; attempt++ {
		for _, ep := range endpoints {
			c, err := clientv3.New(clientv3.Config{Endpoints: []string{ep}, DialTimeout: 2 * time.Second})
			if err != nil {
				continue
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			s, err := c.Status(ctx, ep)
			cancel()
			c.Close()
			if err == nil && s.Leader != 0 && s.Leader == s.Header.MemberId {
				return ep
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Fprintln(os.Stderr, "no leader among", endpoints)
	os.Exit(1)
	return ""
}

func cpuMs() float64 {
	var r syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &r)
	return float64(r.Utime.Nano()+r.Stime.Nano()) / 1e6
}

func main() {
	endpoints := flag.String("endpoints", "127.0.0.1:2379", "comma-separated client URLs of the members")
	clients := flag.Int("clients", 64, "closed-loop clients")
	conns := flag.Int("conns", 8, "gRPC connections the clients share")
	seconds := flag.Float64("seconds", 5, "measured seconds")
	warmup := flag.Float64("warmup", 4, "seconds of load before measuring")
	flag.Parse()
	leader := leaderOf(strings.Split(*endpoints, ","))
	cs := make([]*clientv3.Client, *conns)
	for i := range cs {
		c, err := clientv3.New(clientv3.Config{Endpoints: []string{leader}, DialTimeout: 5 * time.Second})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		cs[i] = c
	}
	run := func(d time.Duration) (int64, float64) {
		var done int64
		var wg sync.WaitGroup
		start := time.Now()
		end := start.Add(d)
		for c := 0; c < *clients; c++ {
			wg.Add(1)
			go func(c int) {
				defer wg.Done()
				cli := cs[c%*conns]
				for i := 0; time.Now().Before(end); i++ {
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					_, err := cli.Put(ctx, fmt.Sprintf("k%d", c), fmt.Sprintf("%d", i))
					cancel()
					if err != nil {
						fmt.Fprintln(os.Stderr, "put:", err)
						os.Exit(1)
					}
					atomic.AddInt64(&done, 1)
				}
			}(c)
		}
		wg.Wait()
		return done, time.Since(start).Seconds()
	}
	run(time.Duration(*warmup * float64(time.Second)))
	fmt.Println("measuring")
	before := cpuMs()
	puts, elapsed := run(time.Duration(*seconds * float64(time.Second)))
	out, _ := json.Marshal(map[string]interface{}{"puts": puts, "seconds": elapsed, "cpuMs": cpuMs() - before, "leader": leader})
	fmt.Println(string(out))
}

// A TCP port on the loopback interface that no one is listening on now, for
// a data-parallel job's rendezvous (tools/launch, tests with several ranks
// in one process, benchmarks). The port is free when asked; another process
// may take it before it is used, so callers that can retry should.
//
//   env.master_port = nas::FreeLocalPort();   // 0 when none could be found
#ifndef NAS_BASE_FREE_PORT_H_
#define NAS_BASE_FREE_PORT_H_

namespace nas {

int FreeLocalPort();

}  // namespace nas

#endif  // NAS_BASE_FREE_PORT_H_

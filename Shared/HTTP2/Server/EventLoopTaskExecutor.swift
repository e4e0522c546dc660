import NIOCore

/// A connection's event loop as the executor its handlers' tasks prefer: a handler that suspends
/// (on a read running on the database's own threads, on an outgoing call) resumes on the loop
/// that carries its call, where its response is written, instead of first on the global
/// executor's threads and then, with one more hop, on the loop. Only the handler's own code runs
/// here between its suspensions; the work it waits for runs where it always did.
final class EventLoopTaskExecutor: TaskExecutor {
    /// The loop the jobs run on.
    let loop: any EventLoop

    /// The executor running jobs on `loop`.
    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    /// Runs `job` on the loop, after what the loop is already doing.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

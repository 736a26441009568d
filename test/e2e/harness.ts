// The e2e tests share the sandbox's process and traffic drivers with the demo.
export * from '../../sandbox/action-process.js'
export * from '../../sandbox/traffic.js'

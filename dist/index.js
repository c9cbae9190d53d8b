import './sourcemap-register.cjs';import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 770:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

module.exports = __nccwpck_require__(218);


/***/ }),

/***/ 218:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var net = __nccwpck_require__(278);
var tls = __nccwpck_require__(756);
var http = __nccwpck_require__(611);
var https = __nccwpck_require__(692);
var events = __nccwpck_require__(434);
var assert = __nccwpck_require__(613);
var util = __nccwpck_require__(23);


exports.httpOverHttp = httpOverHttp;
exports.httpsOverHttp = httpsOverHttp;
exports.httpOverHttps = httpOverHttps;
exports.httpsOverHttps = httpsOverHttps;


function httpOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  return agent;
}

function httpsOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}

function httpOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  return agent;
}

function httpsOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}


function TunnelingAgent(options) {
  var self = this;
  self.options = options || {};
  self.proxyOptions = self.options.proxy || {};
  self.maxSockets = self.options.maxSockets || http.Agent.defaultMaxSockets;
  self.requests = [];
  self.sockets = [];

  self.on('free', function onFree(socket, host, port, localAddress) {
    var options = toOptions(host, port, localAddress);
    for (var i = 0, len = self.requests.length; i < len; ++i) {
      var pending = self.requests[i];
      if (pending.host === options.host && pending.port === options.port) {
        // Detect the request to connect same origin server,
        // reuse the connection.
        self.requests.splice(i, 1);
        pending.request.onSocket(socket);
        return;
      }
    }
    socket.destroy();
    self.removeSocket(socket);
  });
}
util.inherits(TunnelingAgent, events.EventEmitter);

TunnelingAgent.prototype.addRequest = function addRequest(req, host, port, localAddress) {
  var self = this;
  var options = mergeOptions({request: req}, self.options, toOptions(host, port, localAddress));

  if (self.sockets.length >= this.maxSockets) {
    // We are over limit so we'll add it to the queue.
    self.requests.push(options);
    return;
  }

  // If we are under maxSockets create a new one.
  self.createSocket(options, function(socket) {
    socket.on('free', onFree);
    socket.on('close', onCloseOrRemove);
    socket.on('agentRemove', onCloseOrRemove);
    req.onSocket(socket);

    function onFree() {
      self.emit('free', socket, options);
    }

    function onCloseOrRemove(err) {
      self.removeSocket(socket);
      socket.removeListener('free', onFree);
      socket.removeListener('close', onCloseOrRemove);
      socket.removeListener('agentRemove', onCloseOrRemove);
    }
  });
};

TunnelingAgent.prototype.createSocket = function createSocket(options, cb) {
  var self = this;
  var placeholder = {};
  self.sockets.push(placeholder);

  var connectOptions = mergeOptions({}, self.proxyOptions, {
    method: 'CONNECT',
    path: options.host + ':' + options.port,
    agent: false,
    headers: {
      host: options.host + ':' + options.port
    }
  });
  if (options.localAddress) {
    connectOptions.localAddress = options.localAddress;
  }
  if (connectOptions.proxyAuth) {
    connectOptions.headers = connectOptions.headers || {};
    connectOptions.headers['Proxy-Authorization'] = 'Basic ' +
        new Buffer(connectOptions.proxyAuth).toString('base64');
  }

  debug('making CONNECT request');
  var connectReq = self.request(connectOptions);
  connectReq.useChunkedEncodingByDefault = false; // for v0.6
  connectReq.once('response', onResponse); // for v0.6
  connectReq.once('upgrade', onUpgrade);   // for v0.6
  connectReq.once('connect', onConnect);   // for v0.7 or later
  connectReq.once('error', onError);
  connectReq.end();

  function onResponse(res) {
    // Very hacky. This is necessary to avoid http-parser leaks.
    res.upgrade = true;
  }

  function onUpgrade(res, socket, head) {
    // Hacky.
    process.nextTick(function() {
      onConnect(res, socket, head);
    });
  }

  function onConnect(res, socket, head) {
    connectReq.removeAllListeners();
    socket.removeAllListeners();

    if (res.statusCode !== 200) {
      debug('tunneling socket could not be established, statusCode=%d',
        res.statusCode);
      socket.destroy();
      var error = new Error('tunneling socket could not be established, ' +
        'statusCode=' + res.statusCode);
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    if (head.length > 0) {
      debug('got illegal response body from proxy');
      socket.destroy();
      var error = new Error('got illegal response body from proxy');
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    debug('tunneling connection has established');
    self.sockets[self.sockets.indexOf(placeholder)] = socket;
    return cb(socket);
  }

  function onError(cause) {
    connectReq.removeAllListeners();

    debug('tunneling socket could not be established, cause=%s\n',
          cause.message, cause.stack);
    var error = new Error('tunneling socket could not be established, ' +
                          'cause=' + cause.message);
    error.code = 'ECONNRESET';
    options.request.emit('error', error);
    self.removeSocket(placeholder);
  }
};

TunnelingAgent.prototype.removeSocket = function removeSocket(socket) {
  var pos = this.sockets.indexOf(socket)
  if (pos === -1) {
    return;
  }
  this.sockets.splice(pos, 1);

  var pending = this.requests.shift();
  if (pending) {
    // If we have pending requests and a socket gets closed a new one
    // needs to be created to take over in the pool for the one that closed.
    this.createSocket(pending, function(socket) {
      pending.request.onSocket(socket);
    });
  }
};

function createSecureSocket(options, cb) {
  var self = this;
  TunnelingAgent.prototype.createSocket.call(self, options, function(socket) {
    var hostHeader = options.request.getHeader('host');
    var tlsOptions = mergeOptions({}, self.options, {
      socket: socket,
      servername: hostHeader ? hostHeader.replace(/:.*$/, '') : options.host
    });

    // 0 is dummy port for v0.6
    var secureSocket = tls.connect(0, tlsOptions);
    self.sockets[self.sockets.indexOf(socket)] = secureSocket;
    cb(secureSocket);
  });
}


function toOptions(host, port, localAddress) {
  if (typeof host === 'string') { // since v0.10
    return {
      host: host,
      port: port,
      localAddress: localAddress
    };
  }
  return host; // for v0.11 or later
}

function mergeOptions(target) {
  for (var i = 1, len = arguments.length; i < len; ++i) {
    var overrides = arguments[i];
    if (typeof overrides === 'object') {
      var keys = Object.keys(overrides);
      for (var j = 0, keyLen = keys.length; j < keyLen; ++j) {
        var k = keys[j];
        if (overrides[k] !== undefined) {
          target[k] = overrides[k];
        }
      }
    }
  }
  return target;
}


var debug;
if (process.env.NODE_DEBUG && /\btunnel\b/.test(process.env.NODE_DEBUG)) {
  debug = function() {
    var args = Array.prototype.slice.call(arguments);
    if (typeof args[0] === 'string') {
      args[0] = 'TUNNEL: ' + args[0];
    } else {
      args.unshift('TUNNEL:');
    }
    console.error.apply(console, args);
  }
} else {
  debug = function() {};
}
__webpack_unused_export__ = debug; // for test


/***/ }),

/***/ 613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 23:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "os"
const external_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function utils_toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function utils_toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function command_issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_namespaceObject.EOL);
}
function command_issue(name, message = '') {
    command_issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
;// CONCATENATED MODULE: external "crypto"
const external_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");
;// CONCATENATED MODULE: external "fs"
const external_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function file_command_issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_namespaceObject.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_namespaceObject.appendFileSync(filePath, `${utils_toCommandValue(message)}${external_os_namespaceObject.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_namespaceObject.randomUUID()}`;
    const convertedValue = utils_toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_namespaceObject.EOL}${convertedValue}${external_os_namespaceObject.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
// EXTERNAL MODULE: external "http"
var external_http_ = __nccwpck_require__(611);
var external_http_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_http_, 2);
// EXTERNAL MODULE: external "https"
var external_https_ = __nccwpck_require__(692);
var external_https_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_https_, 2);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
// EXTERNAL MODULE: ./node_modules/tunnel/index.js
var tunnel = __nccwpck_require__(770);
;// CONCATENATED MODULE: ./stubs/undici/index.js
// @actions/http-client imports undici only for HttpClient.getAgentDispatcher(), which builds a
// proxy dispatcher for fetch(). This action sends every request through HttpClient.request(),
// which uses node:http agents and never gets there, so the bundle carries this stand-in instead
// of undici's ~900 kB (tsconfig.json's "paths" points ncc here). Should anything construct it,
// it fails loudly rather than quietly.
function ProxyAgent() {
  throw new Error(
    'undici is left out of this bundle: HttpClient.getAgentDispatcher() is not supported'
  )
}

;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/index.js
/* eslint-disable @typescript-eslint/no-explicit-any */
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};





var HttpCodes;
(function (HttpCodes) {
    HttpCodes[HttpCodes["OK"] = 200] = "OK";
    HttpCodes[HttpCodes["MultipleChoices"] = 300] = "MultipleChoices";
    HttpCodes[HttpCodes["MovedPermanently"] = 301] = "MovedPermanently";
    HttpCodes[HttpCodes["ResourceMoved"] = 302] = "ResourceMoved";
    HttpCodes[HttpCodes["SeeOther"] = 303] = "SeeOther";
    HttpCodes[HttpCodes["NotModified"] = 304] = "NotModified";
    HttpCodes[HttpCodes["UseProxy"] = 305] = "UseProxy";
    HttpCodes[HttpCodes["SwitchProxy"] = 306] = "SwitchProxy";
    HttpCodes[HttpCodes["TemporaryRedirect"] = 307] = "TemporaryRedirect";
    HttpCodes[HttpCodes["PermanentRedirect"] = 308] = "PermanentRedirect";
    HttpCodes[HttpCodes["BadRequest"] = 400] = "BadRequest";
    HttpCodes[HttpCodes["Unauthorized"] = 401] = "Unauthorized";
    HttpCodes[HttpCodes["PaymentRequired"] = 402] = "PaymentRequired";
    HttpCodes[HttpCodes["Forbidden"] = 403] = "Forbidden";
    HttpCodes[HttpCodes["NotFound"] = 404] = "NotFound";
    HttpCodes[HttpCodes["MethodNotAllowed"] = 405] = "MethodNotAllowed";
    HttpCodes[HttpCodes["NotAcceptable"] = 406] = "NotAcceptable";
    HttpCodes[HttpCodes["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
    HttpCodes[HttpCodes["RequestTimeout"] = 408] = "RequestTimeout";
    HttpCodes[HttpCodes["Conflict"] = 409] = "Conflict";
    HttpCodes[HttpCodes["Gone"] = 410] = "Gone";
    HttpCodes[HttpCodes["TooManyRequests"] = 429] = "TooManyRequests";
    HttpCodes[HttpCodes["InternalServerError"] = 500] = "InternalServerError";
    HttpCodes[HttpCodes["NotImplemented"] = 501] = "NotImplemented";
    HttpCodes[HttpCodes["BadGateway"] = 502] = "BadGateway";
    HttpCodes[HttpCodes["ServiceUnavailable"] = 503] = "ServiceUnavailable";
    HttpCodes[HttpCodes["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function (Headers) {
    Headers["Accept"] = "accept";
    Headers["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function (MediaTypes) {
    MediaTypes["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
/**
 * Returns the proxy URL, depending upon the supplied url and proxy environment variables.
 * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
 */
function lib_getProxyUrl(serverUrl) {
    const proxyUrl = getProxyUrl(new URL(serverUrl));
    return proxyUrl ? proxyUrl.href : '';
}
const HttpRedirectCodes = [
    HttpCodes.MovedPermanently,
    HttpCodes.ResourceMoved,
    HttpCodes.SeeOther,
    HttpCodes.TemporaryRedirect,
    HttpCodes.PermanentRedirect
];
const HttpResponseRetryCodes = [
    HttpCodes.BadGateway,
    HttpCodes.ServiceUnavailable,
    HttpCodes.GatewayTimeout
];
const RetryableHttpVerbs = ['OPTIONS', 'GET', 'DELETE', 'HEAD'];
const ExponentialBackoffCeiling = 10;
const ExponentialBackoffTimeSlice = 5;
class HttpClientError extends Error {
    constructor(message, statusCode) {
        super(message);
        this.name = 'HttpClientError';
        this.statusCode = statusCode;
        Object.setPrototypeOf(this, HttpClientError.prototype);
    }
}
class HttpClientResponse {
    constructor(message) {
        this.message = message;
    }
    readBody() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                let output = Buffer.alloc(0);
                this.message.on('data', (chunk) => {
                    output = Buffer.concat([output, chunk]);
                });
                this.message.on('end', () => {
                    resolve(output.toString());
                });
            }));
        });
    }
    readBodyBuffer() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                const chunks = [];
                this.message.on('data', (chunk) => {
                    chunks.push(chunk);
                });
                this.message.on('end', () => {
                    resolve(Buffer.concat(chunks));
                });
            }));
        });
    }
}
function isHttps(requestUrl) {
    const parsedUrl = new URL(requestUrl);
    return parsedUrl.protocol === 'https:';
}
class lib_HttpClient {
    constructor(userAgent, handlers, requestOptions) {
        this._ignoreSslError = false;
        this._allowRedirects = true;
        this._allowRedirectDowngrade = false;
        this._maxRedirects = 50;
        this._allowRetries = false;
        this._maxRetries = 1;
        this._keepAlive = false;
        this._disposed = false;
        this.userAgent = this._getUserAgentWithOrchestrationId(userAgent);
        this.handlers = handlers || [];
        this.requestOptions = requestOptions;
        if (requestOptions) {
            if (requestOptions.ignoreSslError != null) {
                this._ignoreSslError = requestOptions.ignoreSslError;
            }
            this._socketTimeout = requestOptions.socketTimeout;
            if (requestOptions.allowRedirects != null) {
                this._allowRedirects = requestOptions.allowRedirects;
            }
            if (requestOptions.allowRedirectDowngrade != null) {
                this._allowRedirectDowngrade = requestOptions.allowRedirectDowngrade;
            }
            if (requestOptions.maxRedirects != null) {
                this._maxRedirects = Math.max(requestOptions.maxRedirects, 0);
            }
            if (requestOptions.keepAlive != null) {
                this._keepAlive = requestOptions.keepAlive;
            }
            if (requestOptions.allowRetries != null) {
                this._allowRetries = requestOptions.allowRetries;
            }
            if (requestOptions.maxRetries != null) {
                this._maxRetries = requestOptions.maxRetries;
            }
        }
    }
    options(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('OPTIONS', requestUrl, null, additionalHeaders || {});
        });
    }
    get(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('GET', requestUrl, null, additionalHeaders || {});
        });
    }
    del(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('DELETE', requestUrl, null, additionalHeaders || {});
        });
    }
    post(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('POST', requestUrl, data, additionalHeaders || {});
        });
    }
    patch(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PATCH', requestUrl, data, additionalHeaders || {});
        });
    }
    put(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PUT', requestUrl, data, additionalHeaders || {});
        });
    }
    head(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('HEAD', requestUrl, null, additionalHeaders || {});
        });
    }
    sendStream(verb, requestUrl, stream, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request(verb, requestUrl, stream, additionalHeaders);
        });
    }
    /**
     * Gets a typed object from an endpoint
     * Be aware that not found returns a null.  Other errors (4xx, 5xx) reject the promise
     */
    getJson(requestUrl_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, additionalHeaders = {}) {
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            const res = yield this.get(requestUrl, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    postJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.post(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    putJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.put(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    patchJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.patch(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    /**
     * Makes a raw http request.
     * All other methods such as get, post, patch, and request ultimately call this.
     * Prefer get, del, post and patch
     */
    request(verb, requestUrl, data, headers) {
        return __awaiter(this, void 0, void 0, function* () {
            if (this._disposed) {
                throw new Error('Client has already been disposed.');
            }
            const parsedUrl = new URL(requestUrl);
            let info = this._prepareRequest(verb, parsedUrl, headers);
            // Only perform retries on reads since writes may not be idempotent.
            const maxTries = this._allowRetries && RetryableHttpVerbs.includes(verb)
                ? this._maxRetries + 1
                : 1;
            let numTries = 0;
            let response;
            do {
                response = yield this.requestRaw(info, data);
                // Check if it's an authentication challenge
                if (response &&
                    response.message &&
                    response.message.statusCode === HttpCodes.Unauthorized) {
                    let authenticationHandler;
                    for (const handler of this.handlers) {
                        if (handler.canHandleAuthentication(response)) {
                            authenticationHandler = handler;
                            break;
                        }
                    }
                    if (authenticationHandler) {
                        return authenticationHandler.handleAuthentication(this, info, data);
                    }
                    else {
                        // We have received an unauthorized response but have no handlers to handle it.
                        // Let the response return to the caller.
                        return response;
                    }
                }
                let redirectsRemaining = this._maxRedirects;
                while (response.message.statusCode &&
                    HttpRedirectCodes.includes(response.message.statusCode) &&
                    this._allowRedirects &&
                    redirectsRemaining > 0) {
                    const redirectUrl = response.message.headers['location'];
                    if (!redirectUrl) {
                        // if there's no location to redirect to, we won't
                        break;
                    }
                    const parsedRedirectUrl = new URL(redirectUrl);
                    if (parsedUrl.protocol === 'https:' &&
                        parsedUrl.protocol !== parsedRedirectUrl.protocol &&
                        !this._allowRedirectDowngrade) {
                        throw new Error('Redirect from HTTPS to HTTP protocol. This downgrade is not allowed for security reasons. If you want to allow this behavior, set the allowRedirectDowngrade option to true.');
                    }
                    // we need to finish reading the response before reassigning response
                    // which will leak the open socket.
                    yield response.readBody();
                    // strip authorization header if redirected to a different hostname
                    if (parsedRedirectUrl.hostname !== parsedUrl.hostname) {
                        for (const header in headers) {
                            // header names are case insensitive
                            if (header.toLowerCase() === 'authorization') {
                                delete headers[header];
                            }
                        }
                    }
                    // let's make the request with the new redirectUrl
                    info = this._prepareRequest(verb, parsedRedirectUrl, headers);
                    response = yield this.requestRaw(info, data);
                    redirectsRemaining--;
                }
                if (!response.message.statusCode ||
                    !HttpResponseRetryCodes.includes(response.message.statusCode)) {
                    // If not a retry code, return immediately instead of retrying
                    return response;
                }
                numTries += 1;
                if (numTries < maxTries) {
                    yield response.readBody();
                    yield this._performExponentialBackoff(numTries);
                }
            } while (numTries < maxTries);
            return response;
        });
    }
    /**
     * Needs to be called if keepAlive is set to true in request options.
     */
    dispose() {
        if (this._agent) {
            this._agent.destroy();
        }
        this._disposed = true;
    }
    /**
     * Raw request.
     * @param info
     * @param data
     */
    requestRaw(info, data) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => {
                function callbackForResult(err, res) {
                    if (err) {
                        reject(err);
                    }
                    else if (!res) {
                        // If `err` is not passed, then `res` must be passed.
                        reject(new Error('Unknown error'));
                    }
                    else {
                        resolve(res);
                    }
                }
                this.requestRawWithCallback(info, data, callbackForResult);
            });
        });
    }
    /**
     * Raw request with callback.
     * @param info
     * @param data
     * @param onResult
     */
    requestRawWithCallback(info, data, onResult) {
        if (typeof data === 'string') {
            if (!info.options.headers) {
                info.options.headers = {};
            }
            info.options.headers['Content-Length'] = Buffer.byteLength(data, 'utf8');
        }
        let callbackCalled = false;
        function handleResult(err, res) {
            if (!callbackCalled) {
                callbackCalled = true;
                onResult(err, res);
            }
        }
        const req = info.httpModule.request(info.options, (msg) => {
            const res = new HttpClientResponse(msg);
            handleResult(undefined, res);
        });
        let socket;
        req.on('socket', sock => {
            socket = sock;
        });
        // If we ever get disconnected, we want the socket to timeout eventually
        req.setTimeout(this._socketTimeout || 3 * 60000, () => {
            if (socket) {
                socket.end();
            }
            handleResult(new Error(`Request timeout: ${info.options.path}`));
        });
        req.on('error', function (err) {
            // err has statusCode property
            // res should have headers
            handleResult(err);
        });
        if (data && typeof data === 'string') {
            req.write(data, 'utf8');
        }
        if (data && typeof data !== 'string') {
            data.on('close', function () {
                req.end();
            });
            data.pipe(req);
        }
        else {
            req.end();
        }
    }
    /**
     * Gets an http agent. This function is useful when you need an http agent that handles
     * routing through a proxy server - depending upon the url and proxy environment variables.
     * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
     */
    getAgent(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        return this._getAgent(parsedUrl);
    }
    getAgentDispatcher(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (!useProxy) {
            return;
        }
        return this._getProxyAgentDispatcher(parsedUrl, proxyUrl);
    }
    _prepareRequest(method, requestUrl, headers) {
        const info = {};
        info.parsedUrl = requestUrl;
        const usingSsl = info.parsedUrl.protocol === 'https:';
        info.httpModule = usingSsl ? external_https_namespaceObject : external_http_namespaceObject;
        const defaultPort = usingSsl ? 443 : 80;
        info.options = {};
        info.options.host = info.parsedUrl.hostname;
        info.options.port = info.parsedUrl.port
            ? parseInt(info.parsedUrl.port)
            : defaultPort;
        info.options.path =
            (info.parsedUrl.pathname || '') + (info.parsedUrl.search || '');
        info.options.method = method;
        info.options.headers = this._mergeHeaders(headers);
        if (this.userAgent != null) {
            info.options.headers['user-agent'] = this.userAgent;
        }
        info.options.agent = this._getAgent(info.parsedUrl);
        // gives handlers an opportunity to participate
        if (this.handlers) {
            for (const handler of this.handlers) {
                handler.prepareRequest(info.options);
            }
        }
        return info;
    }
    _mergeHeaders(headers) {
        if (this.requestOptions && this.requestOptions.headers) {
            return Object.assign({}, lowercaseKeys(this.requestOptions.headers), lowercaseKeys(headers || {}));
        }
        return lowercaseKeys(headers || {});
    }
    /**
     * Gets an existing header value or returns a default.
     * Handles converting number header values to strings since HTTP headers must be strings.
     * Note: This returns string | string[] since some headers can have multiple values.
     * For headers that must always be a single string (like Content-Type), use the
     * specialized _getExistingOrDefaultContentTypeHeader method instead.
     */
    _getExistingOrDefaultHeader(additionalHeaders, header, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[header];
            if (headerValue) {
                clientHeader =
                    typeof headerValue === 'number' ? headerValue.toString() : headerValue;
            }
        }
        const additionalValue = additionalHeaders[header];
        if (additionalValue !== undefined) {
            return typeof additionalValue === 'number'
                ? additionalValue.toString()
                : additionalValue;
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    /**
     * Specialized version of _getExistingOrDefaultHeader for Content-Type header.
     * Always returns a single string (not an array) since Content-Type should be a single value.
     * Converts arrays to comma-separated strings and numbers to strings to ensure type safety.
     * This was split from _getExistingOrDefaultHeader to provide stricter typing for callers
     * that assign the result to places expecting a string (e.g., additionalHeaders[Headers.ContentType]).
     */
    _getExistingOrDefaultContentTypeHeader(additionalHeaders, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[Headers.ContentType];
            if (headerValue) {
                if (typeof headerValue === 'number') {
                    clientHeader = String(headerValue);
                }
                else if (Array.isArray(headerValue)) {
                    clientHeader = headerValue.join(', ');
                }
                else {
                    clientHeader = headerValue;
                }
            }
        }
        const additionalValue = additionalHeaders[Headers.ContentType];
        // Return the first non-undefined value, converting numbers or arrays to strings if necessary
        if (additionalValue !== undefined) {
            if (typeof additionalValue === 'number') {
                return String(additionalValue);
            }
            else if (Array.isArray(additionalValue)) {
                return additionalValue.join(', ');
            }
            else {
                return additionalValue;
            }
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    _getAgent(parsedUrl) {
        let agent;
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (this._keepAlive && useProxy) {
            agent = this._proxyAgent;
        }
        if (!useProxy) {
            agent = this._agent;
        }
        // if agent is already assigned use that agent.
        if (agent) {
            return agent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        let maxSockets = 100;
        if (this.requestOptions) {
            maxSockets = this.requestOptions.maxSockets || external_http_.globalAgent.maxSockets;
        }
        // This is `useProxy` again, but we need to check `proxyURl` directly for TypeScripts's flow analysis.
        if (proxyUrl && proxyUrl.hostname) {
            const agentOptions = {
                maxSockets,
                keepAlive: this._keepAlive,
                proxy: Object.assign(Object.assign({}, ((proxyUrl.username || proxyUrl.password) && {
                    proxyAuth: `${proxyUrl.username}:${proxyUrl.password}`
                })), { host: proxyUrl.hostname, port: proxyUrl.port })
            };
            let tunnelAgent;
            const overHttps = proxyUrl.protocol === 'https:';
            if (usingSsl) {
                tunnelAgent = overHttps ? tunnel.httpsOverHttps : tunnel.httpsOverHttp;
            }
            else {
                tunnelAgent = overHttps ? tunnel.httpOverHttps : tunnel.httpOverHttp;
            }
            agent = tunnelAgent(agentOptions);
            this._proxyAgent = agent;
        }
        // if tunneling agent isn't assigned create a new agent
        if (!agent) {
            const options = { keepAlive: this._keepAlive, maxSockets };
            agent = usingSsl ? new external_https_.Agent(options) : new external_http_.Agent(options);
            this._agent = agent;
        }
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            agent.options = Object.assign(agent.options || {}, {
                rejectUnauthorized: false
            });
        }
        return agent;
    }
    _getProxyAgentDispatcher(parsedUrl, proxyUrl) {
        let proxyAgent;
        if (this._keepAlive) {
            proxyAgent = this._proxyAgentDispatcher;
        }
        // if agent is already assigned use that agent.
        if (proxyAgent) {
            return proxyAgent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        proxyAgent = new ProxyAgent(Object.assign({ uri: proxyUrl.href, pipelining: !this._keepAlive ? 0 : 1 }, ((proxyUrl.username || proxyUrl.password) && {
            token: `Basic ${Buffer.from(`${proxyUrl.username}:${proxyUrl.password}`).toString('base64')}`
        })));
        this._proxyAgentDispatcher = proxyAgent;
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            proxyAgent.options = Object.assign(proxyAgent.options.requestTls || {}, {
                rejectUnauthorized: false
            });
        }
        return proxyAgent;
    }
    _getUserAgentWithOrchestrationId(userAgent) {
        const baseUserAgent = userAgent || 'actions/http-client';
        const orchId = process.env['ACTIONS_ORCHESTRATION_ID'];
        if (orchId) {
            // Sanitize the orchestration ID to ensure it contains only valid characters
            // Valid characters: 0-9, a-z, _, -, .
            const sanitizedId = orchId.replace(/[^a-z0-9_.-]/gi, '_');
            return `${baseUserAgent} actions_orchestration_id/${sanitizedId}`;
        }
        return baseUserAgent;
    }
    _performExponentialBackoff(retryNumber) {
        return __awaiter(this, void 0, void 0, function* () {
            retryNumber = Math.min(ExponentialBackoffCeiling, retryNumber);
            const ms = ExponentialBackoffTimeSlice * Math.pow(2, retryNumber);
            return new Promise(resolve => setTimeout(() => resolve(), ms));
        });
    }
    _processResponse(res, options) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
                const statusCode = res.message.statusCode || 0;
                const response = {
                    statusCode,
                    result: null,
                    headers: {}
                };
                // not found leads to null obj returned
                if (statusCode === HttpCodes.NotFound) {
                    resolve(response);
                }
                // get the result from the body
                function dateTimeDeserializer(key, value) {
                    if (typeof value === 'string') {
                        const a = new Date(value);
                        if (!isNaN(a.valueOf())) {
                            return a;
                        }
                    }
                    return value;
                }
                let obj;
                let contents;
                try {
                    contents = yield res.readBody();
                    if (contents && contents.length > 0) {
                        if (options && options.deserializeDates) {
                            obj = JSON.parse(contents, dateTimeDeserializer);
                        }
                        else {
                            obj = JSON.parse(contents);
                        }
                        response.result = obj;
                    }
                    response.headers = res.message.headers;
                }
                catch (err) {
                    // Invalid resource (contents not json);  leaving result obj null
                }
                // note that 3xx redirects are handled by the http layer.
                if (statusCode > 299) {
                    let msg;
                    // if exception/error in body, attempt to get better error
                    if (obj && obj.message) {
                        msg = obj.message;
                    }
                    else if (contents && contents.length > 0) {
                        // it may be the case that the exception is in the body message as string
                        msg = contents;
                    }
                    else {
                        msg = `Failed request: (${statusCode})`;
                    }
                    const err = new HttpClientError(msg, statusCode);
                    err.result = response.result;
                    reject(err);
                }
                else {
                    resolve(response);
                }
            }));
        });
    }
}
const lowercaseKeys = (obj) => Object.keys(obj).reduce((c, k) => ((c[k.toLowerCase()] = obj[k]), c), {});
//# sourceMappingURL=index.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var auth_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class auth_BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return auth_awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class oidc_utils_OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc_utils_OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = oidc_utils_OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = oidc_utils_OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield oidc_utils_OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_namespaceObject.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_namespaceObject.constants.R_OK | external_fs_namespaceObject.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_namespaceObject.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = (/* unused pure expression or super */ null && (_summary));
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, path.sep);
}
//# sourceMappingURL=path-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield exec.getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield exec.getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_namespaceObject.platform();
const arch = external_os_namespaceObject.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function core_setSecret(secret) {
    command_issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${path.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return file_command_issueFileCommand('OUTPUT', file_command_prepareKeyValueMessage(name, value));
    }
    process.stdout.write(external_os_namespaceObject.EOL);
    command_issueCommand('set-output', { name }, utils_toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    core_error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function core_debug(message) {
    command_issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function core_error(message, properties = {}) {
    command_issueCommand('error', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function core_warning(message, properties = {}) {
    command_issueCommand('warning', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_namespaceObject.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return file_command_issueFileCommand('STATE', file_command_prepareKeyValueMessage(name, value));
    }
    command_issueCommand('save-state', { name }, utils_toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map
;// CONCATENATED MODULE: ./src/errors.ts
class ActionError extends Error {
    name = 'ActionError';
}
class InputError extends ActionError {
    name = 'InputError';
    problems;
    constructor(problems) {
        super(problems.join(' '));
        this.problems = problems;
    }
}
class TransportError extends ActionError {
    name = 'TransportError';
    retryable;
    sent;
    constructor(message, { retryable, sent }) {
        super(message);
        this.retryable = retryable;
        this.sent = sent;
    }
}
class LocalFileError extends ActionError {
    name = 'LocalFileError';
}
class CancelledError extends ActionError {
    name = 'CancelledError';
}
class RetriesExhaustedError extends ActionError {
    name = 'RetriesExhaustedError';
    last;
    constructor(attempts, last) {
        super(`Gave up after ${attempts} attempts; the last one failed: ${last.message}`);
        this.last = last;
    }
}
function failureMessage(error) {
    if (error instanceof ActionError)
        return error.message;
    return `Unexpected error (please report it): ${messageOf(error)}`;
}
function messageOf(error) {
    const message = typeof error === 'object' && error !== null ? Reflect.get(error, 'message') : undefined;
    return typeof message === 'string' ? message : String(error);
}

;// CONCATENATED MODULE: ./src/cancel.ts

const EXIT_BACKSTOP_MS = 1800;
function cancelOnSignals() {
    const controller = new AbortController();
    let backstop;
    const exitIn = (ms) => {
        clearTimeout(backstop);
        backstop = setTimeout(() => process.exit(), ms);
        backstop.unref();
    };
    const onSignal = (name) => {
        if (controller.signal.aborted)
            return;
        controller.abort(new CancelledError(`The step was cancelled (${name}).`));
        exitIn(EXIT_BACKSTOP_MS);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    return {
        signal: controller.signal,
        holdExit: ms => {
            if (backstop !== undefined)
                exitIn(ms);
        },
        dispose: () => {
            process.off('SIGINT', onSignal);
            process.off('SIGTERM', onSignal);
            clearTimeout(backstop);
        }
    };
}

;// CONCATENATED MODULE: external "node:timers/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: ./src/clock.ts


const systemClock = {
    now: () => Date.now(),
    sleep: async (ms, signal) => {
        try {
            await (0,promises_namespaceObject.setTimeout)(ms, undefined, { signal });
        }
        catch (error) {
            throw signal?.aborted === true ? cancelReason(signal) : error;
        }
    },
    random: () => Math.random()
};
function cancelReason(signal) {
    const reason = signal.reason;
    return reason instanceof CancelledError ? reason : new CancelledError('The step was cancelled.');
}

;// CONCATENATED MODULE: ./src/zoho/datacenters.ts
const DATA_CENTRES = [
    { code: 'us', suffix: 'com', apiHost: 'www.zohoapis.com', accountsHost: 'accounts.zoho.com' },
    { code: 'eu', suffix: 'eu', apiHost: 'www.zohoapis.eu', accountsHost: 'accounts.zoho.eu' },
    { code: 'in', suffix: 'in', apiHost: 'www.zohoapis.in', accountsHost: 'accounts.zoho.in' },
    {
        code: 'au',
        suffix: 'com.au',
        apiHost: 'www.zohoapis.com.au',
        accountsHost: 'accounts.zoho.com.au'
    },
    { code: 'jp', suffix: 'jp', apiHost: 'www.zohoapis.jp', accountsHost: 'accounts.zoho.jp' },
    { code: 'ca', suffix: 'ca', apiHost: 'www.zohoapis.ca', accountsHost: 'accounts.zohocloud.ca' },
    {
        code: 'cn',
        suffix: 'com.cn',
        apiHost: 'www.zohoapis.com.cn',
        accountsHost: 'accounts.zoho.com.cn'
    },
    { code: 'sa', suffix: 'sa', apiHost: 'www.zohoapis.sa', accountsHost: 'accounts.zoho.sa' }
];
function findDataCentre(name) {
    const wanted = name.trim().toLowerCase();
    return DATA_CENTRES.find(dc => dc.code === wanted || dc.suffix === wanted);
}

;// CONCATENATED MODULE: ./src/zoho/endpoints.ts
const JOB_ID_DIGITS = /^\d{10,30}$/;
const segment = encodeURIComponent;
function insertUrl(apiBaseUrl, form) {
    return (`${apiBaseUrl}/creator/v2.1/bulk/${segment(form.owner)}/${segment(form.app)}` +
        `/form/${segment(form.form)}/insert`);
}
function jobUrl(apiBaseUrl, job) {
    return `${insertUrl(apiBaseUrl, job)}/${segment(job.jobId)}`;
}
function uploadUrl(apiBaseUrl, job, form) {
    return form === 'path'
        ? jobUrl(apiBaseUrl, job)
        : `${insertUrl(apiBaseUrl, job)}?job_id=${segment(job.jobId)}`;
}
function formFieldsUrl(apiBaseUrl, form) {
    return (`${apiBaseUrl}/creator/v2.1/meta/${segment(form.owner)}/${segment(form.app)}` +
        `/form/${segment(form.form)}/fields`);
}
function readUrl(apiBaseUrl, report) {
    return (`${apiBaseUrl}/creator/v2.1/bulk/${segment(report.owner)}/${segment(report.app)}` +
        `/report/${segment(report.report)}/read`);
}
function readJobUrl(apiBaseUrl, job) {
    return `${readUrl(apiBaseUrl, job)}/${segment(job.jobId)}`;
}

;// CONCATENATED MODULE: ./src/text.ts
function counted(count, noun, plural = `${noun}s`) {
    return `${count} ${count === 1 ? noun : plural}`;
}
function oneLine(text) {
    return text.replace(/\s+/g, ' ').trim();
}
function cut(text, max, mark = '…') {
    if (text.length <= max)
        return text;
    const kept = text.slice(0, max);
    return `${/[\uD800-\uDBFF]$/.test(kept) ? kept.slice(0, -1) : kept}${mark}`;
}
function logLine(text) {
    return text.replace(/\r/g, '\\r').replace(/\n/g, '\\n');
}

;// CONCATENATED MODULE: ./src/inputs/rules.ts


function required(name, rule, value) {
    if (value === '')
        throw problem(`Input "${name}" is required: ${rule.allowed}.`);
    if (!rule.test(value)) {
        const got = rule.echo ? `; got ${quote(value)}` : '';
        throw problem(`Input "${name}" must be ${rule.allowed}${got}.`);
    }
    return value;
}
function oneOf(name, allowed, value, note = '') {
    const found = allowed.find(option => option === value.toLowerCase());
    if (found !== undefined)
        return found;
    const quoted = allowed.map(option => `"${option}"`);
    const list = `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
    if (value === '')
        throw problem(`Input "${name}" is required: ${list}.`);
    throw problem(`Input "${name}" must be ${list}${note}; got ${quote(value)}.`);
}
function parseNumber(name, value, fallback, rule) {
    if (value === '')
        return fallback;
    const number = Number(value);
    if (!rule.pattern.test(value) || number < rule.min || number > rule.max) {
        throw problem(`Input "${name}" must be ${rule.allowed}; got ${quote(value)}.`);
    }
    return number;
}
function seconds(max, note = '') {
    return {
        pattern: /^\d+(\.\d+)?$/,
        min: Number.MIN_VALUE,
        max,
        allowed: `a number of seconds above 0 and at most ${max}${note}`
    };
}
function parseBoolean(name, value, fallback) {
    if (value === '')
        return fallback;
    if (/^(true|True|TRUE)$/.test(value))
        return true;
    if (/^(false|False|FALSE)$/.test(value))
        return false;
    const yaml11 = /^(y|yes|n|no|on|off)$/i.test(value)
        ? ' (YAML 1.1 words such as yes and no are not booleans in GitHub Actions)'
        : '';
    throw problem(`Input "${name}" must be true or false; got ${quote(value)}${yaml11}.`);
}
function quote(value) {
    return JSON.stringify(cut(value, 60));
}
function problem(message) {
    return new InputError([message]);
}
class Noted {
    problems;
    constructor(problems) {
        this.problems = problems;
    }
}
class Problems {
    found = [];
    take(parse) {
        try {
            return parse();
        }
        catch (error) {
            if (!(error instanceof InputError))
                throw error;
            this.found.push(...error.problems);
            return new Noted(error.problems);
        }
    }
    static valueOf(taken) {
        return taken instanceof Noted ? undefined : taken;
    }
    checked(values) {
        if (this.found.length > 0 || !noneNoted(values))
            throw new InputError(this.found);
        return values;
    }
}
function noneNoted(values) {
    return Object.values(values).every(value => !(value instanceof Noted));
}

;// CONCATENATED MODULE: ./src/inputs/place.ts



const OWNER = {
    test: value => /^[A-Za-z0-9._-]+$/.test(value) && value !== '.' && value !== '..',
    allowed: `the Creator account owner's user name: letters, digits, ".", "_" and "-" (not "." or "..")`,
    echo: true
};
const LINK_NAME = {
    test: value => /^[A-Za-z0-9_-]+$/.test(value),
    allowed: 'a link name: letters, digits, "_" and "-"',
    echo: true
};
const JOB_ID = {
    test: value => JOB_ID_DIGITS.test(value),
    allowed: 'the bulk job ID: 10 to 30 decimal digits, such as 3888833000000114027',
    echo: true
};
function parseDataCentre(value) {
    const dataCentre = findDataCentre(value || 'us');
    if (dataCentre === undefined) {
        const codes = DATA_CENTRES.map(dc => dc.code).join(', ');
        const suffixes = DATA_CENTRES.map(dc => dc.suffix).join(', ');
        throw problem(`Input "dc" must be a Zoho data centre: one of ${codes}, or its domain suffix ` +
            `(${suffixes}); got ${quote(value)}.`);
    }
    return dataCentre;
}
const ENVIRONMENTS = ['production', 'development', 'stage'];
function parseEnvironment(value) {
    return oneOf('environment', ENVIRONMENTS, value || 'production', ' (or empty)');
}
function parseBaseUrl(name, value) {
    if (value === '')
        return undefined;
    const url = URL.parse(value);
    if (url === null) {
        throw problem(`Input "${name}" must be an absolute URL such as https://gateway.example.com; got ${quote(value)}.`);
    }
    if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
        throw problem(`Input "${name}" must be a base URL without user name, password, query or fragment.`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
        throw problem(`Input "${name}" must use https:// (http:// is allowed only for a loopback host such as ` +
            `127.0.0.1 or localhost); got ${quote(url.origin)}.`);
    }
    return url.origin + url.pathname.replace(/\/+$/, '');
}
function isLoopback(hostname) {
    return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

;// CONCATENATED MODULE: ./src/inputs/auth.ts


const TOKEN_SCHEME = /^zoho-oauthtoken\s+/i;
const REFRESH_INPUTS = ['client-id', 'client-secret', 'refresh-token'];
const PRINTABLE = /^[\x21-\x7e]+$/;
const oneLineRule = (what, echo) => ({
    test: value => PRINTABLE.test(value),
    allowed: `${what}: one line of printable characters without spaces`,
    echo
});
const TOKEN = oneLineRule('a Zoho OAuth access token', false);
const CLIENT_ID = oneLineRule("the Self Client's client ID", true);
const CLIENT_SECRET = oneLineRule('the client secret', false);
const REFRESH_TOKEN = oneLineRule('the refresh token', false);
function parseAuth(raw, dataCentre) {
    const given = REFRESH_INPUTS.filter(name => raw[name] !== '');
    if (given.length === 0) {
        if (raw['accounts-url'] !== '') {
            throw problem('Input "accounts-url" applies only with "client-id", "client-secret" and "refresh-token".');
        }
        if (raw.token === '') {
            throw problem('Input "token" is required, or else all three of "client-id", "client-secret" and ' +
                '"refresh-token" to mint one.');
        }
        return { kind: 'token', token: required('token', TOKEN, raw.token.replace(TOKEN_SCHEME, '')) };
    }
    if (raw.token !== '') {
        throw problem('Give either "token", or "client-id", "client-secret" and "refresh-token", not both.');
    }
    const missing = REFRESH_INPUTS.filter(name => raw[name] === '');
    if (missing.length > 0) {
        throw problem('Inputs "client-id", "client-secret" and "refresh-token" go together; ' +
            `missing: ${missing.map(name => `"${name}"`).join(', ')}.`);
    }
    return {
        kind: 'refresh',
        credentials: {
            clientId: required('client-id', CLIENT_ID, raw['client-id']),
            clientSecret: required('client-secret', CLIENT_SECRET, raw['client-secret']),
            refreshToken: required('refresh-token', REFRESH_TOKEN, raw['refresh-token']),
            accountsBaseUrl: parseBaseUrl('accounts-url', raw['accounts-url']) ??
                `https://${dataCentre?.accountsHost ?? ''}`
        }
    };
}

;// CONCATENATED MODULE: ./src/csv/reader.ts
const BLANK = /^[ \t\r]*$/;
class CsvReader {
    rows = [];
    #delimiter;
    #row = [];
    #cell = '';
    #quoted = false;
    #quotedRow = false;
    #closedQuote = false;
    #afterCr = false;
    #started = false;
    #special;
    constructor(delimiter = ',') {
        this.#delimiter = delimiter;
        this.#special = new RegExp(`["\\r\\n${delimiter}]`, 'g');
    }
    push(text) {
        let at = 0;
        if (!this.#started && text.length > 0) {
            this.#started = true;
            if (text.startsWith('\uFEFF'))
                at = 1;
        }
        while (at < text.length) {
            if (this.#quoted) {
                const close = text.indexOf('"', at);
                if (close === -1) {
                    this.#cell += text.slice(at);
                    return;
                }
                this.#cell += text.slice(at, close);
                this.#quoted = false;
                this.#closedQuote = true;
                at = close + 1;
                continue;
            }
            const char = text.charAt(at);
            if (this.#afterCr) {
                this.#afterCr = false;
                if (char !== '\n')
                    this.#cell += '\r';
            }
            if (char === '"' && this.#closedQuote) {
                this.#cell += '"';
                this.#quoted = true;
            }
            else if (char === '"' && this.#cell === '')
                this.#quoted = this.#quotedRow = true;
            else if (char === this.#delimiter)
                this.#endCell();
            else if (char === '\n')
                this.#endRow();
            else if (char === '\r')
                this.#afterCr = true;
            else {
                this.#special.lastIndex = at + 1;
                const next = this.#special.exec(text)?.index ?? text.length;
                this.#cell += text.slice(at, next);
                this.#closedQuote = false;
                at = next;
                continue;
            }
            this.#closedQuote = false;
            at += 1;
        }
    }
    get quoted() {
        return this.#quoted;
    }
    end() {
        if (this.#afterCr)
            this.#cell += '\r';
        this.#afterCr = false;
        if (this.#cell !== '' || this.#row.length > 0 || this.#quoted)
            this.#endRow();
    }
    #endCell() {
        this.#row.push(this.#cell);
        this.#cell = '';
    }
    #endRow() {
        const blank = this.#row.length === 0 && !this.#quotedRow && BLANK.test(this.#cell);
        this.#endCell();
        this.rows.push(blank ? [] : this.#row);
        this.#row = [];
        this.#quotedRow = false;
    }
}
function parseCsv(text) {
    const reader = new CsvReader();
    reader.push(text);
    reader.end();
    return reader.rows;
}

;// CONCATENATED MODULE: external "node:fs/promises"
const external_node_fs_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/csv/writer.ts

const NEEDS_QUOTES = /[",\r\n]/;
function csvRow(cells) {
    const quoted = cells.map(cell => NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
    return `${quoted.join(',')}\r\n`;
}
class CsvWriter {
    #file;
    #pending = [];
    #writing = Promise.resolve();
    bytes = 0;
    constructor(file) {
        this.#file = file;
    }
    static async create(path, append = false) {
        return new CsvWriter(await (0,external_node_fs_promises_namespaceObject.open)(path, append ? 'a' : 'w'));
    }
    row(cells) {
        this.#pending.push(csvRow(cells));
    }
    async flush() {
        await this.#writing;
        if (this.#pending.length === 0)
            return;
        const text = this.#pending.join('');
        this.#pending = [];
        const writing = this.#file.write(text).then(({ bytesWritten }) => {
            this.bytes += bytesWritten;
        });
        writing.catch(() => { });
        this.#writing = writing;
    }
    async close() {
        try {
            await this.flush();
            await this.#writing;
        }
        finally {
            await this.#file.close();
        }
    }
}

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/csv/blank-lines.ts
const LINE_FEED = 0x0a;
const isBlank = (byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === LINE_FEED;
function allBlank(bytes, from, to) {
    for (let at = from; at < to; at++)
        if (!isBlank(bytes[at]))
            return false;
    return true;
}
class BlankLines {
    #blankSoFar = true;
    find(scanner, chunk, from, to, quoted) {
        const blanks = [];
        if (from === to)
            return blanks;
        let blankSoFar = this.#blankSoFar && !quoted;
        if (!(blankSoFar && isBlank(chunk[from])) && !scanner.blankMayStart) {
            const lastLineFeed = chunk.lastIndexOf(LINE_FEED, to - 1);
            this.#blankSoFar = lastLineFeed >= from && allBlank(chunk, lastLineFeed + 1, to);
            return blanks;
        }
        const after = scanner.quoted;
        scanner.quoted = quoted;
        for (let start = from; start < to;) {
            const end = scanner.scan(chunk, start, to, 1);
            blankSoFar &&= allBlank(chunk, start, end);
            if (scanner.found === 0)
                break;
            if (blankSoFar)
                blanks.push([start, end]);
            start = end;
            blankSoFar = true;
        }
        this.#blankSoFar = blankSoFar;
        scanner.quoted = after;
        return blanks;
    }
    get underWayBlank() {
        return this.#blankSoFar;
    }
}
class BlankTail {
    #seen = 0;
    contentBytes = 0;
    #inLastRow = false;
    #lineFeeds = 0;
    #rowUnderWay = false;
    see(chunk) {
        let from = chunk.length;
        while (from > 0 && isBlank(chunk[from - 1]))
            from -= 1;
        if (from > 0) {
            this.#inLastRow = true;
            this.#lineFeeds = 0;
            this.#rowUnderWay = false;
        }
        for (let at = from; at < chunk.length; at++) {
            if (this.#inLastRow) {
                this.contentBytes = this.#seen + at + 1;
                this.#inLastRow = chunk[at] !== LINE_FEED;
            }
            else if (chunk[at] === LINE_FEED) {
                this.#lineFeeds += 1;
                this.#rowUnderWay = false;
            }
            else
                this.#rowUnderWay = true;
        }
        if (from > 0 && from === chunk.length)
            this.contentBytes = this.#seen + chunk.length;
        this.#seen += chunk.length;
    }
    get blankRows() {
        return this.#lineFeeds + (this.#rowUnderWay ? 1 : 0);
    }
}

;// CONCATENATED MODULE: external "node:buffer"
const external_node_buffer_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");
;// CONCATENATED MODULE: ./src/csv/utf8.ts

class Utf8Stream {
    #cut = Buffer.alloc(0);
    notUtf8At(bytes) {
        let from = 0;
        if (this.#cut.length > 0) {
            const [length] = sequenceOf(this.#cut[0] ?? 0);
            from = Math.min(length - this.#cut.length, bytes.length);
            const character = Buffer.concat([this.#cut, bytes.subarray(0, from)]);
            const whole = character.length === length;
            this.#cut = whole ? Buffer.alloc(0) : character;
            if (whole ? !(0,external_node_buffer_namespaceObject.isUtf8)(character) : invalidUtf8At(character) !== -1)
                return firstNotUtf8(bytes);
        }
        const to = wholeUpTo(bytes, from);
        if (!(0,external_node_buffer_namespaceObject.isUtf8)(bytes.subarray(from, to)))
            return firstNotUtf8(bytes);
        if (to < bytes.length)
            this.#cut = Buffer.from(bytes.subarray(to));
        return -1;
    }
    get endsWhole() {
        return this.#cut.length === 0;
    }
}
const firstNotUtf8 = (bytes) => Math.max(0, invalidUtf8At(bytes));
function wholeUpTo(bytes, from) {
    let at = bytes.length - 1;
    while (at > from && at > bytes.length - 4 && ((bytes[at] ?? 0) & 0xc0) === 0x80)
        at -= 1;
    if (at < from)
        return bytes.length;
    const [length] = sequenceOf(bytes[at] ?? 0);
    return length > bytes.length - at ? at : bytes.length;
}
function invalidUtf8At(bytes) {
    let at = 0;
    while (at < bytes.length && at < 3 && ((bytes[at] ?? 0) & 0xc0) === 0x80)
        at += 1;
    while (at < bytes.length) {
        const lead = bytes[at] ?? 0;
        const [length, low, high] = sequenceOf(lead);
        if (length === 0)
            return at;
        for (let next = 1; next < length; next++) {
            if (at + next >= bytes.length)
                return -1;
            const byte = bytes[at + next] ?? 0;
            const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf];
            if (byte < min || byte > max)
                return at;
        }
        at += length;
    }
    return -1;
}
function sequenceOf(lead) {
    if (lead < 0x80)
        return [1, 0, 0];
    if (lead < 0xc2)
        return [0, 0, 0];
    if (lead < 0xe0)
        return [2, 0x80, 0xbf];
    if (lead === 0xe0)
        return [3, 0xa0, 0xbf];
    if (lead === 0xed)
        return [3, 0x80, 0x9f];
    if (lead < 0xf0)
        return [3, 0x80, 0xbf];
    if (lead === 0xf0)
        return [4, 0x90, 0xbf];
    if (lead < 0xf4)
        return [4, 0x80, 0xbf];
    if (lead === 0xf4)
        return [4, 0x80, 0x8f];
    return [0, 0, 0];
}

;// CONCATENATED MODULE: ./src/csv/scan-wasm.ts
const SCAN_WASM = 'AGFzbQEAAAABEwNgAn97AX5gAX8BfmADf39/AX8DBAMAAQIFAwEAIQYVBH8BQQALfwFBAAt/AUF/C38BQQALBzwGBm1lbW9y' +
    'eQIABnF1b3RlZAMABWZvdW5kAwEHbGFzdEVuZAMCDWJsYW5rTWF5U3RhcnQDAwRzY2FuAAIKhgQDQgAgAP0ABAAgAf0j/WSt' +
    'IAD9AAQQIAH9I/1krUIQhoQgAP0ABCAgAf0j/WStQiCGIAD9AAQwIAH9I/1krUIwhoSEC0oBAXtBIP0PIQEgAP0ABAAgAf0q' +
    '/WStIAD9AAQQIAH9Kv1krUIQhoQgAP0ABCAgAf0q/WStQiCGIAD9AAQwIAH9Kv1krUIwhoSEC/UCBQV/B34BfwF+AntCACMA' +
    'rX0hEEF/IQZBIv0PIRFBCv0PIRIgACEDAkADQCADIAFPDQEgAyAREAAhCCADIBIQACEJIAMQASENIAEgA2shBCAEQcAASQRA' +
    'QgEgBK2GQgF9IQwgCCAMgyEIIAkgDIMhCSANIAyDIQ0LIAggCEIBhoUhCiAKIApCAoaFIQogCiAKQgSGhSEKIAogCkIIhoUh' +
    'CiAKIApCEIaFIQogCiAKQiCGhSEKIAogEIUhCiAJIApCf4WDIQsgCkI/hyEQIAtCAYYgDoQgDYNCAFIEQEEBIQ8LIAtCP4gh' +
    'DiALQgBSBEAgAiAFayEHIAUgC3unaiEFIAUgAk8EQANAIAdBAUsEQCALIAtCAX2DIQsgB0EBayEHDAELCyADIAt6p2pBAWoh' +
    'AyACJAEgAyQCIA8kA0EAJAAgAw8LIANBwABqIAt5p2shBgsgA0HAAGohAwwACwsgBSQBIAYkAiAPJAMgEEIBg6ckACABCw==';

;// CONCATENATED MODULE: ./src/csv/scanner.ts

const SCAN_CHUNK_BYTES = 1024 * 1024;
const NO_LIMIT = 0xffffffff;
let compiled;
class RecordScanner {
    #wasm;
    buffers;
    #base = 0;
    constructor() {
        compiled ??= new WebAssembly.Module(Buffer.from(SCAN_WASM, 'base64'));
        this.#wasm = new WebAssembly.Instance(compiled).exports;
        const memory = this.#wasm.memory.buffer;
        this.buffers = [
            Buffer.from(memory, 0, SCAN_CHUNK_BYTES),
            Buffer.from(memory, SCAN_CHUNK_BYTES, SCAN_CHUNK_BYTES)
        ];
    }
    *pieces(chunk) {
        if (this.#holds(chunk)) {
            yield chunk;
            return;
        }
        const [buffer] = this.buffers;
        for (let at = 0; at < chunk.length; at += SCAN_CHUNK_BYTES) {
            const piece = chunk.subarray(at, at + SCAN_CHUNK_BYTES);
            piece.copy(buffer);
            yield buffer.subarray(0, piece.length);
        }
    }
    scan(chunk, from, to, limit = NO_LIMIT) {
        if (!(this.#holds(chunk) && 0 <= from && from <= to && to <= chunk.length && limit >= 1)) {
            throw new RangeError(`No scan from ${from} to ${to} of this chunk for ${limit} records.`);
        }
        this.#base = chunk.byteOffset;
        return (this.#wasm.scan(this.#base + from, this.#base + to, Math.min(limit, NO_LIMIT)) - this.#base);
    }
    get found() {
        return this.#wasm.found.value;
    }
    get lastEnd() {
        const end = this.#wasm.lastEnd.value;
        return end < 0 ? end : end - this.#base;
    }
    get blankMayStart() {
        return this.#wasm.blankMayStart.value === 1;
    }
    get quoted() {
        return this.#wasm.quoted.value === 1;
    }
    set quoted(quoted) {
        this.#wasm.quoted.value = quoted ? 1 : 0;
    }
    #holds(chunk) {
        return chunk.buffer === this.buffers[0].buffer;
    }
}

;// CONCATENATED MODULE: ./src/csv/split.ts






class NotUtf8Error extends LocalFileError {
    row;
    byte;
    constructor(row, byte) {
        super(`Row ${row} of the file holds a byte that is not UTF-8 (byte ${byte} of the file).`);
        this.row = row;
        this.byte = byte;
    }
}
async function measureCsv(source, { maxRecordBytes = Number.POSITIVE_INFINITY, utf8 = false } = {}) {
    const scanner = new RecordScanner();
    const tail = new BlankTail();
    const blank = new BlankLines();
    const utf8Stream = utf8 ? new Utf8Stream() : undefined;
    let rows = 0;
    let blankRows = 0;
    let held = 0;
    let seen = 0;
    for await (const chunk of source) {
        const bytes = chunk;
        const bad = utf8Stream?.notUtf8At(bytes) ?? -1;
        tail.see(bytes);
        let at = 0;
        for (const piece of scanner.pieces(bytes)) {
            const quoted = scanner.quoted;
            const to = bad === -1 ? piece.length : Math.min(piece.length, bad - at);
            scanner.scan(piece, 0, to);
            rows += scanner.found;
            held = underWay(scanner, 0, to, held);
            blankRows += blank.find(scanner, piece, 0, to, quoted).length;
            if (held > maxRecordBytes)
                throw recordTooLong(rows + 1, maxRecordBytes);
            at += to;
            if (bad !== -1 && at >= bad)
                throw new NotUtf8Error(rows + 1, seen + bad + 1);
        }
        seen += bytes.length;
    }
    if (utf8Stream?.endsWhole === false)
        throw new NotUtf8Error(rows + 1, seen);
    if (held > 0)
        rows += 1;
    if (scanner.quoted)
        throw quoteNeverCloses(rows);
    if (held > 0 && blank.underWayBlank)
        blankRows += 1;
    return {
        records: Math.max(0, rows - 1 - blankRows),
        bytes: tail.contentBytes,
        blankRows: Math.max(0, blankRows - tail.blankRows)
    };
}
function underWay(scanner, from, to, before) {
    return scanner.found > 0 ? to - scanner.lastEnd : before + to - from;
}
function quoteNeverCloses(row) {
    return new LocalFileError(`Row ${row} of the file opens a quote that never closes: the rest of the file would be one cell.`);
}
function recordTooLong(row, maxBytes) {
    return new LocalFileError(`Row ${row} of the file runs over ${maxBytes} bytes without ending (a quote never closed?): ` +
        'more than a job takes.');
}
function recordOverPart(row, bytes, maxBytes) {
    return new LocalFileError(`Row ${row} of the file is ${bytes} bytes long: with the header, more than the ${maxBytes} ` +
        'bytes a job takes.');
}
class PartPlanner {
    #limits;
    #scanner;
    header;
    #rows = 0;
    #records = 0;
    #blank = new BlankLines();
    #held = [];
    #heldBytes = 0;
    #tooLong = false;
    #part;
    #parts = 0;
    #steps = [];
    constructor(limits, scanner) {
        this.#limits = limits;
        this.#scanner = scanner;
    }
    take(chunk) {
        this.#steps = [];
        let at = 0;
        while (this.header === undefined && at < chunk.length)
            at = this.#takeHeader(chunk, at);
        for (const [start, end] of this.#blanksIn(chunk, at)) {
            this.#takeRecords(chunk, at, start);
            this.#leaveOutBlank();
            at = end;
        }
        this.#takeRecords(chunk, at, chunk.length);
        return this.#steps;
    }
    #blanksIn(chunk, at) {
        const scanner = this.#scanner;
        const quoted = scanner.quoted;
        scanner.scan(chunk, at, chunk.length);
        const blanks = this.#blank.find(scanner, chunk, at, chunk.length, quoted);
        scanner.quoted = quoted;
        return blanks;
    }
    #takeRecords(chunk, at, to) {
        while (at < to) {
            if (this.#tooLong)
                at = this.#measure(chunk, at, to);
            else if (this.#records < this.#limits.skipRecords)
                at = this.#skip(chunk, at, to);
            else
                at = this.#fill(chunk, at, to);
        }
    }
    #leaveOutBlank() {
        this.#rows += 1;
        this.#tooLong = false;
        this.#dropHeld();
    }
    end() {
        this.#steps = [];
        if (this.#scanner.quoted)
            throw quoteNeverCloses(this.#rows + 1);
        const last = this.#heldBytes > 0 && this.header !== undefined && !this.#blank.underWayBlank;
        if (last && this.#records >= this.#limits.skipRecords) {
            if (this.#tooLong)
                throw recordOverPart(this.#rows + 1, this.#heldBytes, this.#limits.maxBytes);
            this.#write(Buffer.alloc(0), 0, 0, 1);
        }
        this.#close();
        return this.#steps;
    }
    #takeHeader(chunk, at) {
        const end = this.#scanner.scan(chunk, at, chunk.length, 1);
        if (this.#scanner.found === 0)
            return this.#hold(chunk, at, chunk.length);
        this.header = Buffer.concat([...this.#held, chunk.subarray(at, end)]);
        this.#rows = 1;
        this.#dropHeld();
        return end;
    }
    #skip(chunk, at, to) {
        const skip = this.#limits.skipRecords - this.#records;
        const scanner = this.#scanner;
        const end = scanner.scan(chunk, at, to, skip);
        this.#rows += scanner.found;
        this.#records += scanner.found;
        this.#count(underWay(scanner, at, end, this.#heldBytes));
        return end;
    }
    #measure(chunk, at, to) {
        const end = this.#scanner.scan(chunk, at, to, 1);
        const bytes = this.#heldBytes + end - at;
        if (this.#scanner.found > 0)
            throw recordOverPart(this.#rows + 1, bytes, this.#limits.maxBytes);
        this.#count(bytes);
        return end;
    }
    #fill(chunk, at, to) {
        const scanner = this.#scanner;
        const part = this.#part;
        const room = this.#limits.maxBytes - (part === undefined ? this.#headerBytes : part.bytes);
        const records = (this.#limits.maxRecords ?? Number.POSITIVE_INFINITY) -
            (part === undefined ? 0 : part.records);
        const until = Math.min(to, at + room - this.#heldBytes);
        const quotedAt = scanner.quoted;
        const end = scanner.scan(chunk, at, until, records);
        const found = scanner.found;
        if (found === records) {
            this.#write(chunk, at, end, found);
            this.#close();
            return end;
        }
        if (found > 0)
            this.#write(chunk, at, scanner.lastEnd, found);
        if (until === to)
            return this.#hold(chunk, found > 0 ? scanner.lastEnd : at, to);
        if (found > 0) {
            scanner.quoted = false;
            this.#close();
            return scanner.lastEnd;
        }
        scanner.quoted = quotedAt;
        if (part !== undefined)
            this.#close();
        else
            this.#tooLong = true;
        return at;
    }
    get #headerBytes() {
        return this.header?.length ?? 0;
    }
    #write(chunk, from, to, records) {
        if (this.#part === undefined) {
            this.#parts += 1;
            this.#part = {
                index: this.#parts,
                firstRow: this.#rows + 1,
                lastRow: this.#rows + 1,
                records: 0,
                bytes: this.#headerBytes
            };
            this.#steps.push({ kind: 'open', index: this.#parts });
        }
        const part = this.#part;
        this.#steps.push({ kind: 'write', pieces: [...this.#held, chunk.subarray(from, to)] });
        part.bytes += this.#heldBytes + to - from;
        part.records += records;
        this.#rows += records;
        this.#records += records;
        part.lastRow = this.#rows;
        this.#dropHeld();
    }
    #close() {
        const part = this.#part;
        if (part !== undefined) {
            this.#steps.push({ kind: 'close', part: { ...part } });
        }
        this.#part = undefined;
    }
    #hold(chunk, at, to) {
        this.#held.push(Buffer.from(chunk.subarray(at, to)));
        this.#count(this.#heldBytes + to - at);
        return to;
    }
    #count(bytes) {
        this.#heldBytes = bytes;
        if (bytes > this.#limits.maxBytes)
            throw recordTooLong(this.#rows + 1, this.#limits.maxBytes);
    }
    #dropHeld() {
        this.#held = [];
        this.#heldBytes = 0;
    }
}
async function planParts(source, limits) {
    const scanner = new RecordScanner();
    const planner = new PartPlanner(limits, scanner);
    const parts = [];
    const keep = (steps) => {
        for (const step of steps)
            if (step.kind === 'close')
                parts.push(step.part);
    };
    for await (const chunk of upTo(source, limits.bytes)) {
        for (const piece of scanner.pieces(chunk))
            keep(planner.take(piece));
    }
    keep(planner.end());
    return parts;
}
async function* splitCsv(source, stem, dir, limits) {
    const scanner = new RecordScanner();
    const planner = new PartPlanner(limits, scanner);
    const pathOf = (index) => (0,external_node_path_namespaceObject.join)(dir, `${stem}.part-${index}.csv`);
    let file;
    async function* run(steps) {
        for (const step of steps) {
            if (step.kind === 'open') {
                file = await (0,external_node_fs_promises_namespaceObject.open)(pathOf(step.index), 'w');
                await file.write(planner.header ?? Buffer.alloc(0));
            }
            else if (step.kind === 'write')
                await file?.writev(step.pieces);
            else {
                await file?.close();
                file = undefined;
                yield { ...step.part, path: pathOf(step.part.index) };
            }
        }
    }
    const read = 'path' in source ? fileChunks(source.path, scanner.buffers) : source.stream;
    const chunks = upTo(read, limits.bytes)[Symbol.asyncIterator]();
    let next = chunks.next();
    try {
        for (let chunk = await next; chunk.done !== true; chunk = await next) {
            next = chunks.next();
            for (const piece of scanner.pieces(chunk.value))
                yield* run(planner.take(piece));
        }
        yield* run(planner.end());
    }
    finally {
        await next.catch(() => undefined);
        await chunks.return(undefined);
        await file?.close();
    }
}
async function* fileChunks(path, into) {
    const handle = await (0,external_node_fs_promises_namespaceObject.open)(path, 'r');
    try {
        for (let turn = 0;; turn = (turn + 1) % into.length) {
            const buffer = into[turn] ?? Buffer.alloc(0);
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0)
                return;
            yield buffer.subarray(0, bytesRead);
        }
    }
    finally {
        await handle.close();
    }
}
async function* upTo(source, bytes = Number.POSITIVE_INFINITY) {
    let left = bytes;
    for await (const chunk of source) {
        if (left <= 0)
            return;
        yield chunk.length <= left ? chunk : chunk.subarray(0, left);
        left -= chunk.length;
    }
}
async function* withoutHeader(source) {
    const scanner = new RecordScanner();
    let inHeader = true;
    for await (const chunk of source) {
        const buffer = chunk;
        if (!inHeader) {
            yield buffer;
            continue;
        }
        let start = 0;
        for (const piece of scanner.pieces(buffer)) {
            const end = scanner.scan(piece, 0, piece.length, 1);
            if (scanner.found === 1) {
                inHeader = false;
                yield buffer.subarray(start + end);
                break;
            }
            start += piece.length;
        }
    }
}

;// CONCATENATED MODULE: ./src/csv/dialect.ts



const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'iso-8859-1'];
const DELIMITERS = { ',': ',', ';': ';', tab: '\t', '|': '|' };
const ZOHO_DIALECT = { encoding: 'utf-8', delimiter: ',' };
const BYTE_ORDER_MARKS = [
    ['utf-8', Buffer.from([0xef, 0xbb, 0xbf])],
    ['utf-16le', Buffer.from([0xff, 0xfe])],
    ['utf-16be', Buffer.from([0xfe, 0xff])]
];
function encodingOf(head, asked) {
    if (asked !== 'auto')
        return asked;
    const marked = BYTE_ORDER_MARKS.find(([, mark]) => head.subarray(0, mark.length).equals(mark));
    return marked?.[0] ?? 'utf-8';
}
function delimiterOf(headerRow, asked) {
    if (asked !== 'auto')
        return asked;
    const counts = new Map();
    let quoted = false;
    for (const char of headerRow) {
        if (char === '"')
            quoted = !quoted;
        else if (!quoted)
            counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    let found = ',';
    for (const delimiter of Object.values(DELIMITERS)) {
        if ((counts.get(delimiter) ?? 0) > (counts.get(found) ?? 0))
            found = delimiter;
    }
    return found;
}
function describeDialect({ encoding, delimiter }) {
    const between = { ',': 'commas', ';': 'semicolons', '\t': 'tabs', '|': 'pipes' }[delimiter];
    return `${encoding.toUpperCase()}, cells between ${between}`;
}
function decoderOf(encoding) {
    if (encoding === 'iso-8859-1')
        return bytes => bytes?.toString('latin1') ?? '';
    const decoder = new TextDecoder(encoding);
    return bytes => (bytes === undefined ? decoder.decode() : decoder.decode(bytes, { stream: true }));
}
function firstRow(text) {
    let quoted = false;
    for (let at = 0; at < text.length; at++) {
        const char = text[at];
        if (char === '"')
            quoted = !quoted;
        else if (char === '\n' && !quoted)
            return text.slice(0, at);
    }
    return text;
}
async function writeInZohoDialect(source, dialect, path) {
    const decode = decoderOf(dialect.encoding);
    const reader = new CsvReader(dialect.delimiter);
    const out = await CsvWriter.create(path);
    let rows = 0;
    const drain = async () => {
        for (const row of reader.rows)
            out.row(row);
        rows += reader.rows.length;
        reader.rows.length = 0;
        await out.flush();
    };
    try {
        for await (const chunk of source) {
            reader.push(decode(chunk));
            await drain();
        }
        reader.push(decode());
        if (reader.quoted)
            throw quoteNeverCloses(rows + reader.rows.length + 1);
        reader.end();
        await drain();
    }
    finally {
        source.destroy();
        await out.close();
    }
    return out.bytes;
}

;// CONCATENATED MODULE: ./src/inputs/dialect.ts


function parseEncoding(value) {
    return oneOf('encoding', ['auto', ...ENCODINGS], value || 'auto');
}
function parseDelimiter(value) {
    const names = Object.keys(DELIMITERS);
    const named = oneOf('delimiter', ['auto', ...names], value || 'auto');
    return named === 'auto' ? named : DELIMITERS[named];
}

;// CONCATENATED MODULE: ./src/inputs/calls.ts

const DEFAULT_RETRIES = 3;
const MAX_RETRIES = 10;
const DEFAULT_TIMEOUT_SECONDS = 30;
const MAX_TIMEOUT_SECONDS = 600;
const BACKOFF_BASE_MS = 1000;
const MAX_BACKOFF_MS = 20_000;
const RETRIES = {
    pattern: /^\d+$/,
    min: 0,
    max: MAX_RETRIES,
    allowed: `a whole number of extra attempts from 0 to ${MAX_RETRIES}`
};
const TIMEOUT = seconds(MAX_TIMEOUT_SECONDS);
function parseRetry(value, timeScale) {
    return {
        retries: parseNumber('retries', value, DEFAULT_RETRIES, RETRIES),
        baseDelayMs: BACKOFF_BASE_MS,
        maxDelayMs: MAX_BACKOFF_MS,
        timeScale
    };
}
function parseTimeout(value) {
    return parseNumber('timeout', value, DEFAULT_TIMEOUT_SECONDS, TIMEOUT) * 1000;
}

;// CONCATENATED MODULE: ./src/inputs/job.ts



const ACTIONS = ['create', 'upload', 'start', 'abort', 'status', 'load'];
const ON_A_JOB = new Set(['upload', 'start', 'abort', 'status']);
const WITH_A_FILE = new Set(['upload', 'load']);
const MAY_WAIT = new Set(['start', 'abort', 'status', 'load']);
function parseAction(value) {
    return oneOf('action', ACTIONS, value, ' (any case)');
}
function parseJobId(action, value) {
    if (action !== undefined && !ON_A_JOB.has(action)) {
        if (value === '')
            return '';
        throw problem(`Input "job-id" must be empty with action "${action}": it creates the job, and sets the job-id output.`);
    }
    if (action === undefined && value === '')
        return '';
    return required('job-id', JOB_ID, value);
}
const FILE = {
    test: value => !value.includes('\0'),
    allowed: 'the path of a CSV file, or of a ZIP holding one CSV, relative to the workspace',
    echo: true
};
function parseFile(action, value, workspace) {
    if (action === undefined || !WITH_A_FILE.has(action))
        return '';
    const path = required('file', FILE, value);
    return (0,external_node_path_namespaceObject.isAbsolute)(path) ? path : (0,external_node_path_namespaceObject.resolve)(workspace, path);
}
function unusedForAction(action, raw, asked) {
    const warnings = [];
    for (const name of ['max-records-per-job', 'skip-records']) {
        if (raw[name] !== '' && action !== 'load')
            warnings.push(`Input "${name}" takes effect only with action "load"; "${action}" loads no file.`);
    }
    for (const [name, on] of [
        ['check-header', asked.checkHeader],
        ['check-values', asked.checkValues],
        ['dry-run', asked.dryRun]
    ]) {
        if (on && !WITH_A_FILE.has(action))
            warnings.push(`Input "${name}" takes effect only with action "upload" or "load"; "${action}" sends no file.`);
    }
    for (const name of ['file', 'encoding', 'delimiter']) {
        if (raw[name] !== '' && !WITH_A_FILE.has(action))
            warnings.push(`Input "${name}" takes effect only with action "upload" or "load"; "${action}" does not send a file.`);
    }
    if (asked.wait && !MAY_WAIT.has(action))
        warnings.push(`Input "wait" takes effect only with action "start", "abort", "status" or "load"; "${action}" does not wait.`);
    return warnings;
}

;// CONCATENATED MODULE: ./src/inputs/key.ts


const MAX_KEY_FIELDS = 5;
function parseKey(action, raw) {
    const idMap = parseBoolean('id-map', raw['id-map'], false);
    if (raw.key === '') {
        if (idMap)
            throw problem('Input "id-map" needs "key": the map is from each key to its record.');
        return undefined;
    }
    if (action !== 'load')
        return undefined;
    const fields = raw.key.split(',').map(field => field.trim());
    const bad = fields.find(field => !LINK_NAME.test(field));
    if (bad !== undefined)
        throw problem(`Input "key" must be the link names of the fields that identify a record, separated by ` +
            `commas (such as Employee_ID, or Employee_ID, Email); got ${quote(bad)} in ${quote(raw.key)}.`);
    if (raw['skip-records'] !== '')
        throw problem('Input "skip-records" is not for a load with a key: run the same step again, and the key ' +
            'leaves out the records Zoho holds. Remove skip-records.');
    const twice = fields.find((field, at) => fields.indexOf(field) !== at);
    if (twice !== undefined)
        throw problem(`Input "key" names ${quote(twice)} twice.`);
    if (fields.length > MAX_KEY_FIELDS)
        throw problem(`Input "key" names ${fields.length} fields; a key takes ${MAX_KEY_FIELDS} at most.`);
    const report = required('key-report', {
        ...LINK_NAME,
        allowed: `${LINK_NAME.allowed}, of a report of the form that shows all of its records (a key is read with Zoho's Bulk Read, which reads reports)`
    }, raw['key-report']);
    return { fields, report, idMap };
}
function unusedKeyInputs(action, raw) {
    const warnings = [];
    if (raw.key !== '' && action !== 'load')
        warnings.push(`Input "key" takes effect only with action "load"; "${action}" loads no file.`);
    if (raw['key-report'] !== '' && (raw.key === '' || action !== 'load'))
        warnings.push('Input "key-report" takes effect only with "key", on a load.');
    return warnings;
}

;// CONCATENATED MODULE: ./src/inputs/lookups.ts



const MAX_LOOKUPS = 20;
const EXAMPLE = '(such as Department = Departments_Report.Dept_Code, or Department = parents/id-map.csv)';
function parseLookups(action, value, key, workspace) {
    if (value === '' || action !== 'load')
        return [];
    const lines = value
        .split(/\r?\n/)
        .map(line => line.trim())
        .filter(line => line !== '');
    if (lines.length > MAX_LOOKUPS)
        throw problem(`Input "lookups" has ${lines.length} lines; it takes ${MAX_LOOKUPS} at most.`);
    const lookups = lines.map(line => parseLine(line, workspace));
    const columns = lookups.map(({ column }) => column);
    const twice = columns.find((column, at) => columns.indexOf(column) !== at);
    if (twice !== undefined)
        throw problem(`Input "lookups" names column ${quote(twice)} twice.`);
    const keyed = columns.find(column => key?.fields.includes(column) === true);
    if (keyed !== undefined)
        throw problem(`Input "lookups" names column ${quote(keyed)}, which is in "key": a key is compared with ` +
            "what Zoho's report shows, and how a report shows a lookup is not known. Key the records " +
            'by other columns.');
    return lookups;
}
function parseLine(line, workspace) {
    const equals = line.indexOf('=');
    const column = line.slice(0, equals).trim();
    const target = line.slice(equals + 1).trim();
    if (equals === -1 || !LINK_NAME.test(column) || target === '')
        throw problem(`Input "lookups": each line is <column> = <report>.<field> or <column> = <path of an ` +
            `id-map.csv> ${EXAMPLE}; got ${quote(line)}.`);
    if (target.includes('/') || /\.csv$/i.test(target))
        return { column, source: { idMap: (0,external_node_path_namespaceObject.isAbsolute)(target) ? target : (0,external_node_path_namespaceObject.resolve)(workspace, target) } };
    const [report = '', field = '', ...rest] = target.split('.');
    if (rest.length > 0 || !LINK_NAME.test(report) || !LINK_NAME.test(field))
        throw problem(`Input "lookups": ${quote(target)} (for column ${column}) is neither <report>.<field>, the ` +
            'link names of a report of the related form and of its key field, nor the path of an ' +
            `id-map.csv ${EXAMPLE}.`);
    return { column, source: { report, field } };
}
function unusedLookups(action, value) {
    return value !== '' && action !== 'load'
        ? [`Input "lookups" takes effect only with action "load"; "${action}" loads no file.`]
        : [];
}

;// CONCATENATED MODULE: ./src/inputs/parts.ts

const MAX_COUNT = 1_000_000_000;
const RECORDS_PER_JOB = {
    pattern: /^\d+$/,
    min: 1,
    max: MAX_COUNT,
    allowed: 'a whole number of records from 1 (or empty for no limit)'
};
const SKIP_RECORDS = {
    pattern: /^\d+$/,
    min: 0,
    max: MAX_COUNT,
    allowed: 'a whole number of records from 0'
};
function parseMaxRecords(raw) {
    const value = parseNumber('max-records-per-job', raw['max-records-per-job'], 0, RECORDS_PER_JOB);
    return value === 0 ? undefined : value;
}
function parseSkipRecords(raw) {
    return parseNumber('skip-records', raw['skip-records'], 0, SKIP_RECORDS);
}

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/inputs/runner.ts

const TIME_SCALE_ENV = 'ZOHO_BULK_ACTION_TIME_SCALE';
function runnerFacts(env = process.env) {
    const scale = Number(env[TIME_SCALE_ENV]);
    return {
        resultRoot: env['RUNNER_TEMP'] || (0,external_node_os_namespaceObject.tmpdir)(),
        timeScale: scale > 0 && scale <= 1 ? scale : 1,
        workspace: env['GITHUB_WORKSPACE'] || process.cwd(),
        runAttempt: Number(env['GITHUB_RUN_ATTEMPT']) || 1
    };
}

;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: external "node:zlib"
const external_node_zlib_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");
;// CONCATENATED MODULE: ./src/http/body.ts



const DECODERS = {
    gzip: external_node_zlib_namespaceObject.createUnzip,
    'x-gzip': external_node_zlib_namespaceObject.createUnzip,
    deflate: external_node_zlib_namespaceObject.createUnzip,
    br: external_node_zlib_namespaceObject.createBrotliDecompress
};
function decodedBody(response) {
    const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
    if (encoding === '' || encoding === 'identity')
        return response;
    const decoder = DECODERS[encoding];
    if (decoder === undefined) {
        response.destroy();
        throw new TransportError(`The answer came encoded as "${encoding.slice(0, 40)}", which this action cannot decode.`, { retryable: true, sent: true });
    }
    return (0,external_node_stream_namespaceObject.pipeline)(response, decoder(), () => { });
}
function readBody(maxBytes) {
    return async (response) => {
        const chunks = [];
        let size = 0;
        for await (const chunk of decodedBody(response)) {
            size += chunk.length;
            if (size > maxBytes) {
                throw new TransportError(`The answer is larger than ${maxBytes / 1024} KiB, more than any answer this action ` +
                    'expects; it was not read.', { retryable: true, sent: true });
            }
            chunks.push(chunk);
        }
        return Buffer.concat(chunks, size);
    };
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: ./src/http/download.ts





const ZIP_SIGNATURE = Buffer.from('PK\x03\x04', 'latin1');
function saveZip(path, maxHeadBytes) {
    return async (response) => {
        const chunks = decodedBody(response)[Symbol.asyncIterator]();
        let head = Buffer.alloc(0);
        for (let next = await chunks.next();; next = await chunks.next()) {
            if (next.done === true)
                return { saved: false, head };
            head = Buffer.concat([head, next.value]);
            if (head.length >= ZIP_SIGNATURE.length)
                break;
        }
        const isZip = head.subarray(0, ZIP_SIGNATURE.length).equals(ZIP_SIGNATURE);
        if ((response.statusCode ?? 0) >= 300 || !isZip) {
            while (head.length < maxHeadBytes) {
                const next = await chunks.next();
                if (next.done === true)
                    break;
                head = Buffer.concat([head, next.value]);
            }
            await chunks.return?.();
            return { saved: false, head: head.subarray(0, maxHeadBytes) };
        }
        await download_writeFile(path, head, chunks);
        return { saved: true };
    };
}
async function download_writeFile(path, head, rest) {
    const partial = `${path}.part`;
    const file = (0,external_node_fs_namespaceObject.createWriteStream)(partial);
    const local = {};
    file.on('error', error => (local.error = error));
    try {
        await (0,external_node_stream_promises_namespaceObject.pipeline)(async function* () {
            yield head;
            for (let next = await rest.next(); next.done !== true; next = await rest.next())
                yield next.value;
        }, file);
        await (0,external_node_fs_promises_namespaceObject.rename)(partial, path);
    }
    catch (error) {
        const cause = local.error ?? (isFileSystemError(error) ? error : undefined);
        if (cause !== undefined)
            throw new LocalFileError(`Could not save ${path}: ${cause.message}`);
        throw error;
    }
    finally {
        await new Promise(resolve => {
            if (file.closed)
                resolve();
            else
                file.once('close', () => {
                    resolve();
                });
        });
        await (0,external_node_fs_promises_namespaceObject.rm)(partial, { force: true });
    }
}
function isFileSystemError(error) {
    const { syscall, message } = (typeof error === 'object' && error !== null ? error : {});
    return typeof message === 'string' && FILE_SYSTEM_CALLS.has(syscall);
}
const FILE_SYSTEM_CALLS = new Set(['open', 'write', 'rename']);

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
var external_node_http_default = /*#__PURE__*/__nccwpck_require__.n(external_node_http_namespaceObject);
;// CONCATENATED MODULE: external "node:https"
const external_node_https_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");
var external_node_https_default = /*#__PURE__*/__nccwpck_require__.n(external_node_https_namespaceObject);
;// CONCATENATED MODULE: external "node:tls"
const external_node_tls_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");
;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"1.0.0"};
;// CONCATENATED MODULE: ./src/http/send.ts







const USER_AGENT = `zoho-creator-bulk-action/${package_namespaceObject.rE}`;
const UNTRUSTED_CERTIFICATE = new Set([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID'
]);
const PROXY_REFUSED = 'tunneling socket could not be established, statusCode=';
const PROXY_UNREACHABLE = 'tunneling socket could not be established, cause=';
async function send(request, limits, read) {
    const url = new URL(request.url);
    const route = new lib_HttpClient(USER_AGENT);
    const progress = { sent: false, answered: false };
    const controller = new AbortController();
    const timer = setTimeout(() => {
        controller.abort(new TransportError(`No complete answer from ${url.origin} within ${limits.timeoutMs / 1000} s (timeout).`, { retryable: true, sent: progress.sent }));
    }, limits.timeoutMs);
    const cancel = () => {
        if (limits.signal !== undefined)
            controller.abort(cancelReason(limits.signal));
    };
    limits.signal?.addEventListener('abort', cancel);
    if (limits.signal?.aborted === true)
        cancel();
    const { body } = request;
    let destroy = () => { };
    try {
        return await new Promise((resolve, reject) => {
            const req = (url.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default())).request(url, {
                method: request.method,
                headers: {
                    ...request.headers,
                    'User-Agent': USER_AGENT,
                    'Accept-Encoding': 'identity',
                    ...(typeof body === 'object' ? { 'Content-Length': String(body.length) } : {})
                },
                agent: route.getAgent(request.url),
                signal: controller.signal
            });
            const ended = new AbortController();
            destroy = () => {
                ended.abort();
                req.destroy();
            };
            const fail = (error) => {
                if (!progress.answered)
                    reject(error);
            };
            controller.signal.addEventListener('abort', () => {
                fail(controller.signal.reason);
            });
            req.on('socket', socket => {
                whenOnWire(socket, () => (progress.sent = true));
            });
            req.on('error', fail);
            req.on('response', response => {
                progress.answered = true;
                read(response).then(body => {
                    resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
                }, reject);
            });
            if (typeof body !== 'object')
                req.end(body);
            else {
                writeBody(body, req, ended.signal).catch((error) => {
                    fail(error instanceof LocalFileError
                        ? error
                        : new LocalFileError(`Could not read the file to send: ${messageOf(error)}`));
                });
            }
        });
    }
    catch (error) {
        if (controller.signal.aborted)
            throw controller.signal.reason;
        throw attemptFailure(error, url, progress);
    }
    finally {
        clearTimeout(timer);
        limits.signal?.removeEventListener('abort', cancel);
        destroy();
        route.dispose();
    }
}
async function writeBody(body, req, ended) {
    const stopped = new Promise(resolve => {
        ended.addEventListener('abort', () => {
            resolve(false);
        }, { once: true });
    });
    const pieces = body.open()[Symbol.asyncIterator]();
    let next = pieces.next();
    for (let piece = await next; piece.done !== true; piece = await next) {
        const written = new Promise(resolve => req.write(piece.value, error => {
            resolve(!error);
        }));
        next = pieces.next();
        next.catch(() => undefined);
        if (!(await Promise.race([written, stopped]))) {
            await next.catch(() => undefined);
            await pieces.return?.(undefined);
            return;
        }
    }
    req.end();
}
function whenOnWire(socket, mark) {
    if (socket instanceof external_node_tls_namespaceObject.TLSSocket)
        socket.once('secureConnect', mark);
    else if (socket.connecting)
        socket.once('connect', mark);
    else
        mark();
}
function attemptFailure(error, url, progress) {
    if (error instanceof ActionError)
        return error;
    const { code } = (typeof error === 'object' && error !== null ? error : {});
    const text = messageOf(error);
    if (text.startsWith(PROXY_REFUSED)) {
        const status = Number(text.slice(PROXY_REFUSED.length));
        return proxyRefused(proxyOf(url), url.host, status);
    }
    if (text.startsWith(PROXY_UNREACHABLE)) {
        return new TransportError(`Could not reach the proxy ${proxyOf(url)} (HTTPS_PROXY): ${text.slice(PROXY_UNREACHABLE.length)}.`, { retryable: true, sent: false });
    }
    if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN') {
        return new TransportError(`The request to ${url.origin} could not be built: ${text}.`, {
            retryable: false,
            sent: false
        });
    }
    if (typeof code === 'string' && UNTRUSTED_CERTIFICATE.has(code)) {
        return new TransportError(`Could not reach ${url.origin}: ${text}. The server's TLS certificate is not trusted; behind ` +
            'a TLS-inspecting proxy, set NODE_EXTRA_CA_CERTS to the file of its CA certificate.', { retryable: false, sent: false });
    }
    if (progress.answered) {
        return new TransportError(`The connection to ${url.origin} closed before the whole answer arrived (${text}).`, { retryable: true, sent: true });
    }
    return new TransportError(`Could not reach ${url.origin}: ${text}.`, {
        retryable: true,
        sent: progress.sent
    });
}
function proxyOf(url) {
    return new URL(lib_getProxyUrl(url.href)).host;
}
const PROXY_HINTS = {
    407: 'it wants credentials: give them in HTTPS_PROXY as http://user:password@host:port',
    403: 'it does not allow this host: ask its administrators to allow it, or list the host in NO_PROXY if the runner can reach it directly'
};
function proxyRefused(proxy, target, status) {
    const hint = PROXY_HINTS[status] ?? `it could not open a connection to ${target}`;
    return new TransportError(`The proxy ${proxy} (HTTPS_PROXY) refused the tunnel to ${target} with HTTP ${status}: ${hint}.`, { retryable: false, sent: false });
}

;// CONCATENATED MODULE: ./src/retry.ts


const RETRY_AFTER_CAP_MS = 60_000;
function backoffDelay(retry, policy, random) {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
    return Math.floor(random() * ceiling);
}
function retryAfterDelay(value, now) {
    if (value === undefined)
        return undefined;
    const text = value.trim();
    const ms = /^\d+$/.test(text)
        ? Number(text) * 1000
        : /^[A-Za-z]{3},/.test(text)
            ? Date.parse(text) - now
            : NaN;
    if (Number.isNaN(ms))
        return undefined;
    return Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS);
}
async function withRetries(attempt, classify, context, onFailure = () => { }) {
    const { policy, clock, signal } = context;
    const attempts = policy.retries + 1;
    for (let n = 1;; n++) {
        if (signal?.aborted === true)
            throw cancelReason(signal);
        try {
            return await attempt();
        }
        catch (error) {
            if (!(error instanceof ActionError))
                throw error;
            onFailure(error);
            const verdict = classify(error);
            if (!verdict.retry)
                throw error;
            if (n === attempts)
                throw attempts > 1 ? new RetriesExhaustedError(attempts, error) : error;
            const told = retryAfterDelay(verdict.retryAfter, clock.now());
            const backoff = backoffDelay(n, policy, () => clock.random());
            const window = told === undefined && (verdict.window?.ms ?? 0) > backoff ? verdict.window : undefined;
            const delay = told ?? (window?.ms ?? backoff) * policy.timeScale;
            if (context.deadline !== undefined && clock.now() + delay >= context.deadline) {
                throw new RetriesExhaustedError(n, error);
            }
            const seconds = (delay / 1000).toFixed(1);
            context.log(`Attempt ${n} of ${attempts} failed: ${error.message} ` +
                (window === undefined
                    ? `Retrying in ${seconds} s.`
                    : `Waiting ${seconds} s for ${window.reason}.`));
            await clock.sleep(delay, signal);
        }
    }
}

;// CONCATENATED MODULE: ./src/zoho/codes.ts
const SUCCESS_CODE = 3000;
const TOKEN_REFUSED_CODE = 1030;
const PER_MINUTE_LIMIT_CODE = 2955;
const DAILY_LIMIT_CODE = 4000;
const RESULT_NOT_READY_CODE = 11110;
const UNKNOWN_URL_CODE = 1000;
const FILE_EXISTS_CODE = 11070;
const SCOPE_MISSING_CODE = 2945;
const NOT_PERMITTED_CODE = 7130;
const CREATE_SCOPE = 'ZohoCreator.bulk.CREATE';
const UPDATE_SCOPE = 'ZohoCreator.bulk.UPDATE';
const READ_SCOPE = 'ZohoCreator.bulk.READ';
const META_SCOPE = 'ZohoCreator.meta.form.READ';
const SCOPES = {
    create: CREATE_SCOPE,
    upload: CREATE_SCOPE,
    start: UPDATE_SCOPE,
    abort: UPDATE_SCOPE,
    status: READ_SCOPE,
    result: READ_SCOPE,
    fields: META_SCOPE,
    read: CREATE_SCOPE,
    'read-status': READ_SCOPE,
    'read-result': READ_SCOPE
};
const LOAD_SCOPES = `${CREATE_SCOPE}, ${UPDATE_SCOPE} and ${READ_SCOPE}`;
const CHECK_ROLE = 'No permission on this application: the bulk API needs the admin or developer role.';
const ENDED = 'The job has already ended, and a job runs only once: to load the file again, create a new job and upload the file to it.';
const REQUEST_FAULT_CODES = new Set([
    1000, 1030, 1040, 1060, 2892, 2893, 2933, 2945, 2955, 4000, 4070, 7120, 11330
]);
const HINTS = new Map([
    [1000, 'The URL or a parameter is not valid: check owner, app and form.'],
    [1030, 'The access token is invalid or expired: mint a new one (access tokens live one hour).'],
    [1040, 'No such account owner: check owner (the user name of the account that owns the app).'],
    [1060, CHECK_ROLE],
    [2933, CHECK_ROLE],
    [2892, 'No such application: check app (its link name) and owner.'],
    [2893, 'No such form: check form (its link name) and app.'],
    [2894, 'No such report: check key-report (the link name of a report of the form) and app.'],
    [3020, 'Zoho could not use the request: please report it, with this message.'],
    [2955, "Zoho's per-minute API limit was reached: wait a minute and run again."],
    [4000, "The account's daily API limit is reached: running again today will not help."],
    [11080, ENDED],
    [11090, ENDED],
    [11100, ENDED],
    [11110, 'The result file is still being generated: try again in a while.'],
    [
        11130,
        'There is no result file of this kind for this job (for example, when no record failed).'
    ],
    [11330, 'No such job for this form: check job-id and form.'],
    [
        11070,
        "An input file already exists for this job, and a job's file cannot be replaced: abort the job, create a new one and upload the file to it."
    ],
    [
        11340,
        "The job's state does not take a file now: check the job's state (it takes one before it starts)."
    ],
    [11350, 'The file upload is not complete: upload the CSV before starting the job.'],
    [7120, 'The job ID is not valid: check job-id.'],
    [7130, 'This is not permitted on this job: check job-id and your role in the application.']
]);
function scopeHint(operation) {
    const scope = SCOPES[operation];
    if (operation === 'fields')
        return (`The token lacks the scope check-header needs: generate it again with ${scope} added, ` +
            'or set check-header: false to skip the check.');
    return (`The token lacks ${scope}, the scope this call needs: generate it again with it added ` +
        `(a load needs ${LOAD_SCOPES}).`);
}
const FORM_BUSY = 'Another bulk job of this form has not ended (a form takes one at a time): wait for it ' +
    '(action: status, wait: true) or abort it, then run again.';
function hintFor(code, httpStatus, operation) {
    if (code === SCOPE_MISSING_CODE && operation !== undefined)
        return scopeHint(operation);
    if (code === NOT_PERMITTED_CODE && operation === 'create')
        return FORM_BUSY;
    const byCode = code === undefined ? undefined : HINTS.get(code);
    if (byCode !== undefined)
        return byCode;
    if (httpStatus === 401) {
        const scope = operation === undefined ? '' : ` and has scope ${SCOPES[operation]}`;
        return `Zoho did not accept the token: check that it is current${scope}.`;
    }
    if (httpStatus === 403)
        return CHECK_ROLE;
    if (httpStatus === 404)
        return 'Nothing was found at this URL: check dc, owner, app, form and job-id.';
    if (httpStatus === 429)
        return "Zoho's API rate limit was reached: wait and run again.";
    if (httpStatus >= 500)
        return 'Zoho, or a gateway in front of it, failed: run again later.';
    return "Check the inputs against Zoho's message.";
}

;// CONCATENATED MODULE: ./src/zoho/reply.ts




class ZohoError extends ActionError {
    name = 'ZohoError';
    reply;
    throttled;
    constructor(message, reply, throttled = false) {
        super(message);
        this.reply = reply;
        this.throttled = throttled;
    }
}
const TEXT_FIELDS = ['status', 'message', 'description', 'error_description'];
const QUOTE_CHARS = 160;
function parseReply(answer, redact) {
    const body = answer.body.toString('utf8').replace(/^\uFEFF/, '');
    const data = jsonObject(body);
    const code = wholeNumber(data?.['code']);
    const message = TEXT_FIELDS.map(field => data?.[field]).find(value => typeof value === 'string');
    const { location, 'retry-after': retryAfter } = answer.headers;
    const bodyLine = shortLine(body, redact);
    return {
        httpStatus: answer.status,
        body,
        ...(data === undefined ? {} : { data }),
        ...(code === undefined ? {} : { code }),
        ...(message === undefined ? {} : { message }),
        ...(location === undefined ? {} : { location }),
        ...(retryAfter === undefined ? {} : { retryAfter }),
        quoted: {
            body: bodyLine === '' ? 'an empty body' : JSON.stringify(bodyLine),
            message: shortLine(message ?? '', redact) || 'no message'
        }
    };
}
function shortLine(text, redact) {
    return cut(oneLine(redact(text)), QUOTE_CHARS);
}
function replyError(reply, what, operation) {
    const unreadable = unreadableReply(reply, operation);
    if (unreadable !== undefined)
        return unreadable;
    const { httpStatus, code } = reply;
    if (code === undefined) {
        return new ZohoError(`Zoho's response has no "code" (HTTP ${httpStatus}): ${reply.quoted.body}. ` +
            'Check dc and api-url: this does not look like the Creator API.', reply);
    }
    if (code === SUCCESS_CODE && httpStatus >= 200 && httpStatus < 300)
        return undefined;
    return new ZohoError(`Zoho did not ${what} (HTTP ${httpStatus}, code ${code}): ${reply.quoted.message}. ` +
        hintFor(code, httpStatus, operation), reply);
}
function unreadableReply(reply, operation) {
    const { httpStatus } = reply;
    if (httpStatus >= 300 && httpStatus < 400) {
        return new ZohoError(`Zoho answered HTTP ${httpStatus}, a redirect to ${reply.location ?? '(no Location header)'}; ` +
            'it was not followed, so the credentials are not sent to another host. Check dc, api-url and accounts-url.', reply);
    }
    if (reply.data === undefined) {
        return new ZohoError(`Zoho's response is not JSON (HTTP ${httpStatus}): ${reply.quoted.body}. ` +
            hintFor(undefined, httpStatus, operation), reply);
    }
    return undefined;
}
function replyBehind(error) {
    if (error instanceof RetriesExhaustedError)
        return replyBehind(error.last);
    return error instanceof ZohoError ? error.reply : undefined;
}
function exactIdOf(reply, field) {
    const { data } = reply;
    for (const holder of [data?.['details'], data?.['data'], data]) {
        if (!isRecord(holder))
            continue;
        const value = holder[field];
        const digits = typeof value === 'string'
            ? value.trim()
            : typeof value === 'number'
                ? digitsOf(reply.body, field, value)
                : undefined;
        if (digits !== undefined && JOB_ID_DIGITS.test(digits))
            return digits;
    }
    return undefined;
}
function digitsOf(body, field, parsed) {
    for (const match of body.matchAll(new RegExp(`"${field}"\\s*:\\s*(\\d+)(?![\\d.eE])`, 'g'))) {
        const digits = match[1] ?? '';
        if (Number(digits) === parsed)
            return digits;
    }
    return undefined;
}
function jsonObject(text) {
    try {
        const value = JSON.parse(text);
        return isRecord(value) ? value : undefined;
    }
    catch {
        return undefined;
    }
}
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function wholeNumber(value) {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
        return value;
    if (typeof value === 'string' && /^\d{1,15}$/.test(value))
        return Number(value);
    return undefined;
}

;// CONCATENATED MODULE: ./src/zoho/retry-table.ts



const SERVER_FAILURES = new Set([500, 502, 503, 504]);
const STOP = { retry: false };
const PER_MINUTE = {
    ms: 60_000,
    reason: "the next minute of Zoho's per-minute API limit"
};
const TOKEN_THROTTLE = {
    ms: 10 * 60_000,
    reason: "the end of the accounts server's 10-minute window for token requests"
};
function classify(error) {
    if (error instanceof TransportError)
        return error.retryable ? { retry: true } : STOP;
    if (!(error instanceof ZohoError))
        return STOP;
    const { httpStatus, code, retryAfter } = error.reply;
    if (code === DAILY_LIMIT_CODE)
        return STOP;
    const window = error.throttled
        ? TOKEN_THROTTLE
        : httpStatus === 429 || code === PER_MINUTE_LIMIT_CODE
            ? PER_MINUTE
            : undefined;
    if (window === undefined && !SERVER_FAILURES.has(httpStatus) && code !== RESULT_NOT_READY_CODE)
        return STOP;
    return {
        retry: true,
        ...(retryAfter === undefined ? {} : { retryAfter }),
        ...(window === undefined ? {} : { window })
    };
}
function mayHaveApplied(error) {
    if (!classify(error).retry)
        return false;
    if (error instanceof TransportError)
        return error.sent;
    return error instanceof ZohoError && error.reply.httpStatus >= 500;
}

;// CONCATENATED MODULE: ./src/zoho/call.ts






const MAX_ANSWER_BYTES = 1024 * 1024;
const MAX_NOT_ZIP_BYTES = 64 * 1024;
async function call(request, judge, context, options = {}) {
    return attemptUntilJudgedGood(request, readBody(MAX_ANSWER_BYTES), answer => {
        const reply = parseReply(answer, context.redact);
        return { reply, error: judge(reply) };
    }, context, options);
}
async function download(request, path, judge, context) {
    await attemptUntilJudgedGood(request, saveZip(path, MAX_NOT_ZIP_BYTES), answer => {
        const { body } = answer;
        const reply = parseReply({ ...answer, body: body.saved ? Buffer.alloc(0) : body.head }, context.redact);
        return { reply, error: body.saved ? undefined : judge(reply) };
    }, context);
}
async function attemptUntilJudgedGood(request, read, judge, context, options = {}) {
    return withRetries(async () => {
        context.calls.made++;
        const { reply, error } = judge(await send(request, attemptLimits(context), read));
        if (error !== undefined)
            throw error;
        return reply;
    }, options.classify ?? classify, context, options.onFailure);
}
function attemptLimits(context) {
    const left = context.deadline === undefined ? Infinity : context.deadline - context.clock.now();
    return {
        timeoutMs: Math.max(1, Math.min(context.timeoutMs, left)),
        signal: context.signal
    };
}

;// CONCATENATED MODULE: ./src/zoho/api.ts



async function callApi(connection, request, judge, context, options) {
    return withToken(connection, context, async (token) => call(authorised(request, token), judge, context, options));
}
async function downloadApi(connection, request, path, judge, context) {
    await withToken(connection, context, async (token) => {
        await download(authorised(request, token), path, judge, context);
    });
}
async function withToken(connection, context, send) {
    try {
        return await send(await connection.tokens.current(context));
    }
    catch (error) {
        if (replyBehind(error)?.code !== TOKEN_REFUSED_CODE)
            throw error;
        if (!(await connection.tokens.renew(context)))
            throw givenTokenRefused(error);
        return send(await connection.tokens.current(context));
    }
}
function givenTokenRefused(error) {
    if (!(error instanceof ZohoError))
        return error;
    return new ZohoError(`${error.message} A token of another data centre is refused the same way: check dc.`, error.reply);
}
function authorised(request, token) {
    return { ...request, headers: { ...request.headers, Authorization: `Zoho-oauthtoken ${token}` } };
}

;// CONCATENATED MODULE: ./src/zoho/requests.ts

function commonHeaders(place) {
    return {
        Accept: 'application/json',
        ...(place.environment === 'production' ? {} : { environment: place.environment })
    };
}
function createJobRequest(place, form) {
    return {
        method: 'POST',
        url: insertUrl(place.apiBaseUrl, form),
        headers: commonHeaders(place),
        body: ''
    };
}
function uploadRequest(place, job, file, urlForm) {
    return {
        method: 'POST',
        url: uploadUrl(place.apiBaseUrl, job, urlForm),
        headers: { ...commonHeaders(place), 'Content-Type': file.contentType },
        body: file.body
    };
}
function formFieldsRequest(place, form) {
    return {
        method: 'GET',
        url: formFieldsUrl(place.apiBaseUrl, form),
        headers: commonHeaders(place)
    };
}
function jobStatusRequest(place, job) {
    return { method: 'GET', url: jobUrl(place.apiBaseUrl, job), headers: commonHeaders(place) };
}
const RESULT_FILTERS = ['success', 'failure', 'unprocessed'];
function resultRequest(place, job, filter) {
    return {
        method: 'GET',
        url: `${jobUrl(place.apiBaseUrl, job)}/result?filter=${filter}`,
        headers: { ...commonHeaders(place), Accept: 'application/zip, application/json' }
    };
}
function jobActionRequest(place, job, action) {
    return {
        method: 'PATCH',
        url: jobUrl(place.apiBaseUrl, job),
        headers: { ...commonHeaders(place), 'Content-Type': 'application/json' },
        body: JSON.stringify({ data: { action } })
    };
}
function createReadRequest(place, report, query) {
    const body = 'cursor' in query
        ? { record_cursor: query.cursor }
        : { fields: query.fields, max_records: query.maxRecords };
    return {
        method: 'POST',
        url: readUrl(place.apiBaseUrl, report),
        headers: { ...commonHeaders(place), 'Content-Type': 'application/json' },
        body: JSON.stringify({ query: body })
    };
}
function readStatusRequest(place, job) {
    return { method: 'GET', url: readJobUrl(place.apiBaseUrl, job), headers: commonHeaders(place) };
}
function readResultRequest(place, job) {
    return {
        method: 'GET',
        url: `${readJobUrl(place.apiBaseUrl, job)}/result`,
        headers: { ...commonHeaders(place), Accept: 'application/zip, application/json' }
    };
}

;// CONCATENATED MODULE: ./src/zoho/job-status.ts



const JOB_STATES = [
    'Ready-to-upload',
    'In-progress',
    'Completed',
    'Failed',
    'Aborted',
    'User Aborted',
    'System Aborted',
    'Expired'
];
const FINAL_STATES = new Set(JOB_STATES.filter(state => state !== 'Ready-to-upload' && state !== 'In-progress'));
const ABORTED_STATES = new Set([
    'Aborted',
    'User Aborted',
    'System Aborted'
]);
const COUNT_FIELDS = {
    total: 'total_records',
    success: 'success_records',
    failed: 'failed_records',
    unprocessed: 'unprocessed_records'
};
const comparable = (text) => text.toLowerCase().replace(/[^a-z]/g, '');
const BY_KEY = new Map(JOB_STATES.map(state => [comparable(state), state]));
async function fetchJobStatus(connection, job, context) {
    const reply = await callApi(connection, jobStatusRequest(connection, job), answer => replyError(answer, "read the job's status", 'status'), context);
    return { reply, status: readJobStatus(reply) };
}
function stateName(status) {
    return status.state ?? status.raw ?? 'unknown';
}
function readJobStatus(reply) {
    const top = reply.data ?? {};
    const nested = [top['data'], top['details']].filter(isRecord);
    return { ...readState(top, nested), records: readCounts(top, nested) };
}
function readState(top, nested) {
    const candidates = [
        ...[top, ...nested].flatMap(place => [place['api_status'], place['state']]),
        ...nested.map(place => place['status']),
        top['status']
    ].filter((value) => typeof value === 'string' && value.trim() !== '');
    for (const raw of candidates) {
        const state = BY_KEY.get(comparable(raw));
        if (state !== undefined)
            return { state, raw };
    }
    return candidates[0] === undefined ? {} : { raw: candidates[0] };
}
function readCounts(top, nested) {
    const places = [top, ...nested].map(place => place['record_details']).filter(isRecord);
    const sources = [...places, ...nested];
    const counts = {};
    for (const [name, field] of Object.entries(COUNT_FIELDS)) {
        const value = sources
            .map(source => wholeNumber(source[field]))
            .find(count => count !== undefined);
        if (value !== undefined)
            counts[name] = value;
    }
    return counts;
}

;// CONCATENATED MODULE: ./src/poll.ts



const POLL_GROWTH = 1.5;
const MAX_POLL_DELAY_MS = 60_000;
const MAX_LATE_POLL_DELAY_MS = 5 * 60_000;
const HOUR_MS = 3_600_000;
function nextPollDelay(previousMs, elapsedMs) {
    const ceiling = elapsedMs < HOUR_MS ? MAX_POLL_DELAY_MS : MAX_LATE_POLL_DELAY_MS;
    return Math.min(previousMs * POLL_GROWTH, ceiling);
}
async function waitForJob(wait, deadline, { readStatus, isPassing, clock, log, signal }) {
    const unknown = new Set();
    const started = clock.now();
    let delay = Math.min(wait.firstDelayMs, MAX_POLL_DELAY_MS);
    let status;
    const result = (end, polls, error) => ({
        end,
        polls,
        ...(status === undefined ? {} : { status }),
        ...(error === undefined ? {} : { error })
    });
    for (let poll = 1;; poll++, delay = nextPollDelay(delay, clock.now() - started)) {
        try {
            await clock.sleep(Math.min(delay, Math.max(0, deadline - clock.now())), signal);
            status = await readStatus();
        }
        catch (error) {
            const failure = error;
            if (failure instanceof CancelledError)
                return result('cancelled', poll, failure);
            if (!isPassing(failure))
                return result('failed', poll, failure);
            const left = deadline - clock.now();
            if (left <= 0)
                return result('timed-out', poll);
            const next = Math.min(nextPollDelay(delay, clock.now() - started), left);
            log(`Poll ${poll} failed: ${failure.message} Next poll in ${poll_seconds(next)}.`);
            continue;
        }
        if (status.state !== undefined && FINAL_STATES.has(status.state)) {
            log(`Poll ${poll}: the job is ${describeStatus(status)}.`);
            return result('finished', poll);
        }
        const left = deadline - clock.now();
        if (left <= 0)
            return result('timed-out', poll);
        if (status.state === undefined && !unknown.has(status.raw ?? '')) {
            unknown.add(status.raw ?? '');
            log(`Zoho reported a job state this action does not know (${JSON.stringify(status.raw ?? null)}); ` +
                'taking it as still running.');
        }
        const next = Math.min(nextPollDelay(delay, clock.now() - started), left);
        log(`Poll ${poll}: the job is ${describeStatus(status)}; next poll in ${poll_seconds(next)}.`);
    }
}
const poll_seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
function failedButPassed(status, failOnFailedRecords) {
    const { state, records } = status ?? { records: {} };
    const failed = records.failed ?? 0;
    if (state !== 'Completed' || failed === 0 || failOnFailedRecords)
        return undefined;
    const which = records.total === undefined
        ? counted(failed, 'record')
        : `${failed} of ${counted(records.total, 'record')}`;
    return `${which} failed, and the step passes all the same, as fail-on-failed-records is false`;
}
function describeStatus(status) {
    if (status === undefined)
        return 'in a state no poll could read';
    const state = status.state ?? (status.raw === undefined ? 'in an unknown state' : `"${status.raw}"`);
    const counts = describeCounts(status.records);
    return counts === '' ? state : `${state}, ${counts}`;
}
function describeCounts({ total, success, failed, unprocessed }) {
    const parts = [
        success === undefined ? '' : `${success} succeeded`,
        failed === undefined ? '' : `${failed} failed`,
        unprocessed === undefined ? '' : `${unprocessed} unprocessed`
    ].filter(part => part !== '');
    const of = total === undefined ? '' : counted(total, 'record');
    if (parts.length === 0)
        return of;
    return of === '' ? parts.join(', ') : `${of} (${parts.join(', ')})`;
}

;// CONCATENATED MODULE: ./src/inputs/wait.ts



const WAIT_INPUTS = [
    'wait-timeout',
    'poll-interval',
    'download-results',
    'fail-on-failed-records'
];
const DEFAULT_WAIT_TIMEOUT_SECONDS = 3600;
const DEFAULT_POLL_INTERVAL_SECONDS = 5;
const DEFAULT_DOWNLOADS = 'failure';
const MAX_WAIT_TIMEOUT_SECONDS = 5 * 24 * 3600;
const WAIT_TIMEOUT = seconds(MAX_WAIT_TIMEOUT_SECONDS, ' (5 days)');
const POLL_INTERVAL = seconds(MAX_POLL_DELAY_MS / 1000);
function parseWaitFlag(raw) {
    return parseBoolean('wait', raw.wait, false);
}
function parseWait(raw, resultRoot) {
    return {
        timeoutMs: parseNumber('wait-timeout', raw['wait-timeout'], DEFAULT_WAIT_TIMEOUT_SECONDS, WAIT_TIMEOUT) *
            1000,
        firstDelayMs: parseNumber('poll-interval', raw['poll-interval'], DEFAULT_POLL_INTERVAL_SECONDS, POLL_INTERVAL) * 1000,
        downloads: parseDownloads(raw['download-results'] || DEFAULT_DOWNLOADS),
        failOnFailedRecords: parseBoolean('fail-on-failed-records', raw['fail-on-failed-records'], true),
        resultRoot
    };
}
function unusedWaitInputs(raw) {
    const given = WAIT_INPUTS.filter(name => raw[name] !== '');
    if (given.length === 0)
        return [];
    const names = given.map(name => `"${name}"`).join(', ');
    return [
        given.length > 1
            ? `Inputs ${names} take effect only with "wait: true"; without it they have no effect.`
            : `Input ${names} takes effect only with "wait: true"; without it it has no effect.`
    ];
}
function parseDownloads(value) {
    const words = value
        .toLowerCase()
        .split(/[\s,]+/)
        .filter(word => word !== '');
    if (words.length === 1 && words[0] === 'none')
        return [];
    const allowed = RESULT_FILTERS;
    if (words.length === 0 || words.some(word => !allowed.includes(word))) {
        throw problem('Input "download-results" must be any of "success", "failure" and "unprocessed" ' +
            `(comma or space separated), or "none"; got ${quote(value)}.`);
    }
    return RESULT_FILTERS.filter(filter => words.includes(filter));
}

;// CONCATENATED MODULE: ./src/inputs.ts












const INPUT_NAMES = [
    'dc',
    'owner',
    'app',
    'form',
    'job-id',
    'action',
    'file',
    'encoding',
    'delimiter',
    'token',
    'client-id',
    'client-secret',
    'refresh-token',
    'accounts-url',
    'environment',
    'api-url',
    'retries',
    'timeout',
    'wait',
    'wait-timeout',
    'poll-interval',
    'download-results',
    'fail-on-failed-records',
    'abort-on-cancel',
    'mask-job-id',
    'check-header',
    'check-values',
    'bad-rows',
    'dry-run',
    'max-records-per-job',
    'skip-records',
    'key',
    'key-report',
    'id-map',
    'lookups'
];
const DEFAULTS = {
    dc: 'us',
    encoding: 'auto',
    delimiter: 'auto',
    environment: 'production',
    retries: '3',
    timeout: '30',
    wait: 'false',
    'wait-timeout': '3600',
    'poll-interval': '5',
    'download-results': 'failure',
    'fail-on-failed-records': 'true',
    'abort-on-cancel': 'true',
    'mask-job-id': 'true',
    'check-header': 'false',
    'check-values': 'false',
    'bad-rows': 'fail',
    'dry-run': 'false',
    'skip-records': '0',
    'id-map': 'false'
};
function readSettings(secrets) {
    const raw = Object.fromEntries(INPUT_NAMES.map(name => [name, getInput(name)]));
    for (const secret of [
        raw.token,
        raw.token.replace(TOKEN_SCHEME, ''),
        raw['client-secret'],
        raw['refresh-token']
    ]) {
        secrets.add(secret);
    }
    const runner = runnerFacts();
    const settings = parseSettings(raw, runner);
    if (settings.maskJobId && 'jobId' in settings)
        secrets.add(settings.jobId);
    if (runner.timeScale !== 1) {
        info(`Retries wait ${runner.timeScale} times as long, as ${TIME_SCALE_ENV} says (a setting for tests).`);
    }
    return settings;
}
function waitOf(settings) {
    return 'wait' in settings ? settings.wait : undefined;
}
function parseSettings(given, runner = runnerFacts({})) {
    const raw = withoutDefaults(given);
    const problems = new Problems();
    const action = problems.take(() => parseAction(raw.action));
    const known = typeof action === 'string' ? action : undefined;
    const dataCentre = problems.take(() => parseDataCentre(raw.dc));
    const key = problems.take(() => parseKey(known, raw));
    const checked = problems.checked({
        action,
        dataCentre,
        owner: problems.take(() => required('owner', OWNER, raw.owner)),
        app: problems.take(() => required('app', LINK_NAME, raw.app)),
        form: problems.take(() => required('form', LINK_NAME, raw.form)),
        jobId: problems.take(() => parseJobId(known, raw['job-id'])),
        file: problems.take(() => parseFile(known, raw.file, runner.workspace)),
        encoding: problems.take(() => parseEncoding(raw.encoding)),
        delimiter: problems.take(() => parseDelimiter(raw.delimiter)),
        auth: problems.take(() => parseAuth(raw, Problems.valueOf(dataCentre))),
        environment: problems.take(() => parseEnvironment(raw.environment)),
        apiUrl: problems.take(() => parseBaseUrl('api-url', raw['api-url'])),
        retry: problems.take(() => parseRetry(raw.retries, runner.timeScale)),
        timeoutMs: problems.take(() => parseTimeout(raw.timeout)),
        waitOn: problems.take(() => parseWaitFlag(raw)),
        wait: problems.take(() => parseWait(raw, runner.resultRoot)),
        abortOnCancel: problems.take(() => parseBoolean('abort-on-cancel', raw['abort-on-cancel'], true)),
        maskJobId: problems.take(() => parseBoolean('mask-job-id', raw['mask-job-id'], true)),
        checkHeader: problems.take(() => parseBoolean('check-header', raw['check-header'], false)),
        checkValues: problems.take(() => parseBoolean('check-values', raw['check-values'], false)),
        badRows: problems.take(() => oneOf('bad-rows', ['fail', 'skip'], raw['bad-rows'] || 'fail')),
        dryRun: problems.take(() => parseBoolean('dry-run', raw['dry-run'], false)),
        maxRecords: problems.take(() => parseMaxRecords(raw)),
        skipRecords: problems.take(() => parseSkipRecords(raw)),
        key,
        lookups: problems.take(() => parseLookups(known, raw.lookups, Problems.valueOf(key), runner.workspace))
    });
    const { owner, app, form, waitOn, wait, checkHeader, checkValues, badRows, dryRun } = checked;
    const common = {
        dataCentre: checked.dataCentre,
        apiBaseUrl: checked.apiUrl ?? `https://${checked.dataCentre.apiHost}`,
        form: { owner, app, form },
        auth: checked.auth,
        environment: checked.environment,
        retry: checked.retry,
        timeoutMs: checked.timeoutMs,
        maskJobId: checked.maskJobId,
        runAttempt: runner.runAttempt,
        warnings: [
            ...(waitOn || checked.action === 'load' ? [] : unusedWaitInputs(raw)),
            ...unusedForAction(checked.action, raw, { checkHeader, checkValues, dryRun, wait: waitOn }),
            ...unusedKeyInputs(checked.action, raw),
            ...unusedLookups(checked.action, raw.lookups),
            ...(raw['bad-rows'] !== '' && !checkValues && checked.lookups.length === 0
                ? [
                    'Input "bad-rows" takes effect only with "check-values: true" or "lookups"; without ' +
                        'them no row is checked.'
                ]
                : [])
        ]
    };
    const { jobId, file, abortOnCancel } = checked;
    const { encoding, delimiter } = checked;
    const sending = {
        file,
        dialect: { encoding, delimiter },
        copyRoot: runner.resultRoot,
        checkHeader,
        checkValues,
        badRows,
        dryRun
    };
    switch (checked.action) {
        case 'create':
            return { ...common, action: checked.action };
        case 'upload':
            return { ...common, action: checked.action, jobId, ...sending };
        case 'load': {
            const parts = { maxRecords: checked.maxRecords, skipRecords: checked.skipRecords };
            const { key, lookups } = checked;
            return {
                ...common,
                action: checked.action,
                ...sending,
                wait,
                abortOnCancel,
                parts,
                key,
                lookups
            };
        }
        default:
            return {
                ...common,
                action: checked.action,
                jobId,
                wait: waitOn ? wait : undefined,
                abortOnCancel
            };
    }
}
function withoutDefaults(raw) {
    return Object.fromEntries(INPUT_NAMES.map(name => [name, raw[name] === DEFAULTS[name] ? '' : raw[name]]));
}

;// CONCATENATED MODULE: ./src/zip.ts





const ZIP_LOCAL = 0x04034b50;
const ZIP_CENTRAL = 0x02014b50;
const ZIP_END = 0x06054b50;
const STORED = 0;
const DEFLATED = 8;
function startsAsZip(head) {
    return head.length >= 4 && head.readUInt32LE(0) === ZIP_LOCAL;
}
const WORKBOOK = 'is a spreadsheet workbook, not a CSV file: save it as "CSV UTF-8" (in Excel: File > Save As) ' +
    'and give that file.';
function isWorkbook(entries) {
    const names = new Set(entries.map(entry => entry.name));
    return (names.has('xl/workbook.xml') ||
        names.has('xl/workbook.bin') ||
        (names.has('mimetype') && names.has('content.xml')));
}
function entryData(path, entry) {
    if (entry.compressed === 0)
        return external_node_stream_namespaceObject.Readable.from([]);
    const data = (0,external_node_fs_namespaceObject.createReadStream)(path, {
        start: entry.offset,
        end: entry.offset + entry.compressed - 1,
        highWaterMark: 64 * 1024
    });
    return entry.method === STORED ? data : (0,external_node_stream_namespaceObject.pipeline)(data, (0,external_node_zlib_namespaceObject.createInflateRaw)(), () => { });
}
async function zipCsv(path) {
    const { size } = await (0,external_node_fs_promises_namespaceObject.stat)(path);
    const fault = (what) => new LocalFileError(`${path} ${what}`);
    const entry = await zipEntry(path, size, fault, 'first-csv');
    return entry === undefined ? undefined : entryData(path, entry);
}
const MAX_DIRECTORY_BYTES = 1024 * 1024;
async function zipEntry(path, size, fault, which = 'only') {
    const file = await (0,external_node_fs_promises_namespaceObject.open)(path);
    try {
        const read = async (at, length) => {
            const { buffer, bytesRead } = await file.read(Buffer.alloc(length), 0, length, at);
            return buffer.subarray(0, bytesRead);
        };
        const tailStart = Math.max(0, size - (22 + 0xffff));
        const tail = await read(tailStart, size - tailStart);
        let end = -1;
        for (let at = tail.length - 22; at >= 0 && end === -1; at--)
            if (tail.readUInt32LE(at) === ZIP_END)
                end = at;
        if (end === -1)
            throw fault('is not a ZIP file Zoho can read: its directory is missing.');
        const count = tail.readUInt16LE(end + 10);
        const directorySize = tail.readUInt32LE(end + 12);
        const directoryAt = tail.readUInt32LE(end + 16);
        const directory = await read(directoryAt, Math.min(directorySize, MAX_DIRECTORY_BYTES));
        const entries = directoryEntries(directory, count);
        if (which === 'only' && entries !== undefined && isWorkbook(entries))
            throw fault(WORKBOOK);
        if (count !== 1 && which === 'only') {
            throw fault(`holds ${count} files: a ZIP for Zoho must hold exactly one CSV file.`);
        }
        if (entries === undefined)
            throw fault('is not a ZIP file Zoho can read: its directory is damaged.');
        const entry = which === 'only' ? entries[0] : entries.find(each => /\.csv$/i.test(each.name));
        if (entry === undefined)
            return undefined;
        if (!/\.csv$/i.test(entry.name)) {
            throw fault(`holds ${JSON.stringify(entry.name.slice(0, 100))}, not a .csv file: a ZIP for Zoho must hold exactly one CSV file.`);
        }
        if ((entry.flags & 1) !== 0)
            throw fault('is encrypted: Zoho cannot read it.');
        if (entry.method !== STORED && entry.method !== DEFLATED) {
            throw fault(`is compressed with method ${entry.method}: use a ZIP compressed with deflate (the usual), or stored.`);
        }
        const local = await read(entry.offset, 30);
        if (local.length < 30 || local.readUInt32LE(0) !== ZIP_LOCAL)
            throw fault('is not a ZIP file Zoho can read: its entry is damaged.');
        const offset = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
        return { offset, compressed: entry.compressed, method: entry.method };
    }
    finally {
        await file.close();
    }
}
function directoryEntries(directory, count) {
    const entries = [];
    for (let at = 0; entries.length < count;) {
        if (at + 46 > directory.length || directory.readUInt32LE(at) !== ZIP_CENTRAL)
            return undefined;
        const nameLength = directory.readUInt16LE(at + 28);
        entries.push({
            name: directory.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
            flags: directory.readUInt16LE(at + 8),
            method: directory.readUInt16LE(at + 10),
            compressed: directory.readUInt32LE(at + 20),
            offset: directory.readUInt32LE(at + 42)
        });
        at += 46 + nameLength + directory.readUInt16LE(at + 30) + directory.readUInt16LE(at + 32);
    }
    return entries;
}

;// CONCATENATED MODULE: ./src/job-file.ts








const MAX_FILE_BYTES = 100 * 1024 * 1024;
const OLE2 = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
async function firstBytes(path, length) {
    const file = await (0,external_node_fs_promises_namespaceObject.open)(path);
    try {
        const { buffer, bytesRead } = await file.read(Buffer.alloc(length), 0, length, 0);
        return buffer.subarray(0, bytesRead);
    }
    finally {
        await file.close();
    }
}
const MAX_HEADER_BYTES = 1024 * 1024;
const HEAD_BYTES = 64 * 1024;
async function checkJobFile(path, reading) {
    const fault = (what) => new InputError([`Input "file": ${path} ${what}`]);
    const size = await sizeOf(path, fault);
    try {
        const head = await firstBytes(path, OLE2.length);
        if (head.equals(OLE2))
            throw fault(WORKBOOK);
        const kind = startsAsZip(head) ? 'zip' : 'csv';
        const entry = kind === 'zip' ? await zipEntry(path, size, fault) : undefined;
        if (kind === 'zip' && entry === undefined)
            throw fault('holds no .csv file.');
        const source = { path, entry };
        const dialect = await dialectOf(source, reading.dialect, fault);
        if (dialect.encoding === ZOHO_DIALECT.encoding &&
            dialect.delimiter === ZOHO_DIALECT.delimiter) {
            const file = { path, name: (0,external_node_path_namespaceObject.basename)(path), size, kind, dialect, ...(entry && { entry }) };
            checkSize(file, reading.splittable, fault);
            const measure = await measured(file, true, fault);
            return { ...file, columns: await checkCsv(file, measure, fault), measure };
        }
        if (dialect.encoding === 'utf-8')
            await measured(source, true, fault);
        const dir = await folderUnder(reading.copyRoot, 'zoho-bulk-file-', {
            what: `The copy of ${(0,external_node_path_namespaceObject.basename)(path)} in UTF-8 with commas`,
            nothingDone: 'Nothing was sent to Zoho.'
        });
        const name = `${stemOf(path)}.csv`;
        const copy = { path: (0,external_node_path_namespaceObject.join)(dir, name), name, kind: 'csv', dialect, copyOf: path };
        const file = { ...copy, size: await copied(source, dialect, copy.path, fault) };
        checkSize(file, reading.splittable, fault);
        const measure = await measured(file, false, fault);
        return { ...file, columns: await checkCsv(file, measure, fault), measure };
    }
    catch (error) {
        if (error instanceof ActionError)
            throw error;
        throw fault(`cannot be read: ${messageOf(error)}.`);
    }
}
async function folderUnder(root, prefix, write) {
    try {
        return await (0,external_node_fs_promises_namespaceObject.mkdtemp)((0,external_node_path_namespaceObject.join)(root, prefix));
    }
    catch (error) {
        throw noRoomUnder(root, write, error);
    }
}
function noRoomUnder(root, { what, nothingDone }, error) {
    return new ActionError(`${what} could not be written under ${root} (RUNNER_TEMP): ${messageOf(error)}. It must be a ` +
        `folder this step can write, with room for a copy of the file. ${nothingDone}`);
}
function stemOf(path) {
    return (0,external_node_path_namespaceObject.basename)(path, (0,external_node_path_namespaceObject.extname)(path));
}
async function sizeOf(path, fault) {
    let size;
    try {
        const stats = await (0,external_node_fs_promises_namespaceObject.stat)(path);
        if (!stats.isFile())
            throw fault('is not a regular file: give the path of a CSV or ZIP file.');
        size = stats.size;
    }
    catch (error) {
        if (error instanceof InputError)
            throw error;
        const { code } = error;
        throw fault(code === 'ENOENT'
            ? 'does not exist: the path is relative to the workspace (GITHUB_WORKSPACE), or absolute.'
            : `cannot be read: ${messageOf(error)}.`);
    }
    if (size === 0)
        throw fault('is empty: it must hold a header row and the records to load.');
    return size;
}
async function dialectOf(source, asked, fault) {
    const head = await headOf(csvText(source), HEAD_BYTES);
    const encoding = encodingOf(head, asked.encoding);
    const header = firstRow(decoderOf(encoding)(head));
    if (encoding === 'utf-8' && header.includes('\0')) {
        throw fault('holds NUL characters in its header row, as a UTF-16 file without a byte-order mark does: ' +
            'set encoding: utf-16le (or utf-16be).');
    }
    return { encoding, delimiter: delimiterOf(header, asked.delimiter) };
}
async function measured(source, utf8, fault) {
    try {
        return await measureCsv(csvText(source), { maxRecordBytes: MAX_FILE_BYTES, utf8 });
    }
    catch (error) {
        throw malformed(error, fault);
    }
}
async function copied(source, dialect, path, fault) {
    try {
        return await writeInZohoDialect(csvText(source), dialect, path);
    }
    catch (error) {
        throw malformed(error, fault);
    }
}
function malformed(error, fault) {
    if (error instanceof NotUtf8Error) {
        return fault(`is not UTF-8: row ${error.row} holds a byte that is not (byte ${error.byte} of the file). ` +
            'Set the encoding input: windows-1252 for a file Excel saved as "CSV" on Windows, ' +
            'iso-8859-1 for Latin-1.');
    }
    if (error instanceof LocalFileError)
        return fault(`cannot be loaded: ${error.message}`);
    return error;
}
async function headOf(stream, length) {
    const chunks = [];
    let bytes = 0;
    try {
        for await (const chunk of stream) {
            chunks.push(Buffer.from(chunk));
            bytes += chunk.length;
            if (bytes >= length)
                break;
        }
    }
    finally {
        stream.destroy();
    }
    return Buffer.concat(chunks).subarray(0, length);
}
function checkSize(file, splittable, fault) {
    if (file.size > MAX_FILE_BYTES && !splittable) {
        throw fault(`is ${file.size} bytes, more than the ${MAX_FILE_BYTES} bytes (100 MB) Zoho takes in one job: ` +
            'action: load splits a larger file into several jobs.');
    }
}
async function checkCsv(file, measure, fault) {
    const columns = await csvHead(csvText(file));
    checkColumns(columns, fault);
    if (measure.records === 0)
        throw fault('holds no records: only a header row, with nothing to load under it.');
    return columns;
}
async function discardCopy(file) {
    if (file?.copyOf !== undefined)
        await (0,external_node_fs_promises_namespaceObject.rm)((0,external_node_path_namespaceObject.dirname)(file.path), { recursive: true, force: true });
}
const CHUNK_BYTES = 64 * 1024;
function csvText(file) {
    const { path, entry } = file;
    if (entry !== undefined)
        return entryData(path, entry);
    const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
    return external_node_stream_namespaceObject.Readable.from(readInTurn(path, buffers), { objectMode: true, highWaterMark: 1 });
}
async function* readInTurn(path, buffers) {
    const handle = await (0,external_node_fs_promises_namespaceObject.open)(path, 'r');
    try {
        for (let [buffer, next] = buffers;; [buffer, next] = [next, buffer]) {
            const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0)
                return;
            yield buffer.subarray(0, bytesRead);
        }
    }
    finally {
        await handle.close();
    }
}
function csvSource(file) {
    return file.entry === undefined ? { path: file.path } : { stream: csvText(file) };
}
async function forEachRow(file, visit, more = () => true, afterChunk = () => Promise.resolve()) {
    const reader = new CsvReader();
    const decoder = new TextDecoder();
    let row = 0;
    const drain = () => {
        for (const cells of reader.rows) {
            row += 1;
            if (row > 1 && cells.length > 0)
                visit(cells, row);
        }
        reader.rows.length = 0;
    };
    const stream = csvText(file);
    try {
        for await (const chunk of stream) {
            reader.push(decoder.decode(chunk, { stream: true }));
            drain();
            await afterChunk();
            if (!more())
                return;
        }
    }
    finally {
        stream.destroy();
    }
    reader.push(decoder.decode());
    reader.end();
    drain();
    await afterChunk();
}
async function csvHead(stream) {
    const reader = new CsvReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    try {
        for await (const chunk of stream) {
            const buffer = chunk;
            for (let at = 0; at < buffer.length;) {
                const lineFeed = buffer.indexOf(0x0a, at);
                const end = lineFeed === -1 ? buffer.length : lineFeed + 1;
                reader.push(decoder.decode(buffer.subarray(at, end), { stream: true }));
                const [columns] = reader.rows;
                if (columns !== undefined)
                    return columns;
                bytes += end - at;
                at = end;
            }
            if (bytes > MAX_HEADER_BYTES)
                throw new Error('its first line is over 1 MiB long');
        }
    }
    finally {
        stream.destroy();
    }
    reader.end();
    return reader.rows[0] ?? [];
}
function checkColumns(columns, fault) {
    if (columns.every(column => column.trim() === ''))
        throw fault("has no header row: its first line must name the form's fields (their link names).");
    const seen = new Map();
    for (const [index, column] of columns.entries()) {
        const name = column.trim();
        if (name === '') {
            throw fault(`has a header column with no name (column ${index + 1}): each column must name a field by its link name.`);
        }
        const first = seen.get(name);
        if (first !== undefined) {
            throw fault(`names the column ${JSON.stringify(name.slice(0, 100))} twice in its header (columns ${first + 1} and ${index + 1}).`);
        }
        seen.set(name, index);
    }
}

;// CONCATENATED MODULE: ./src/operations/start-abort.ts







const TOOK_EFFECT = {
    start: new Set(['In-progress']),
    abort: ABORTED_STATES
};
async function startOrAbort(job, action, connection, context) {
    const failures = [];
    const request = jobActionRequest(connection, job, action);
    context.log(`${request.method} ${request.url} (action: ${action})`);
    try {
        const reply = await callApi(connection, request, reply => replyError(reply, `${action} the job`, action), context, { onFailure: error => failures.push(error) });
        return { reply, error: undefined };
    }
    catch (error) {
        if (!(error instanceof ActionError))
            throw error;
        const lost = failures.some(mayHaveApplied);
        const refusal = error instanceof ZohoError && !classify(error).retry ? error : undefined;
        if (refusal !== undefined && (lost || (action === 'abort' && aboutTheJob(refusal)))) {
            return settle({ job, action, connection, context }, refusal, lost);
        }
        if (!lost)
            return { reply: replyBehind(error), error };
        return {
            reply: replyBehind(error),
            error: new ActionError(`${error.message} An attempt may have reached Zoho all the same: check the job's status ` +
                'before you run the step again.')
        };
    }
}
function aboutTheJob(refusal) {
    const { code, httpStatus } = refusal.reply;
    return (code !== undefined && !REQUEST_FAULT_CODES.has(code) && httpStatus >= 400 && httpStatus < 500);
}
async function settle({ job, action, connection, context }, refusal, lost) {
    context.log(lost
        ? `An earlier attempt to ${action} the job may have reached Zoho, and the retry was rejected ` +
            `(${refusal.message}); reading the job's status to settle it.`
        : `Zoho refused the ${action} (${refusal.message}); reading the job's status to see whether it has ended.`);
    let read;
    try {
        read = await fetchJobStatus(connection, job, context);
    }
    catch (error) {
        if (!(error instanceof ActionError))
            throw error;
        const why = lost
            ? `The outcome of the ${action} is unknown: an earlier attempt may have reached Zoho, the retry ` +
                'was rejected, and'
            : `Zoho refused the ${action}, and`;
        return {
            reply: refusal.reply,
            error: new ActionError(`${why} the job's status could not be read (${error.message}). Zoho's last answer: ${refusal.message}`)
        };
    }
    const { state, raw } = read.status;
    const settled = { reply: read.reply, status: read.status, error: undefined };
    if (lost && state !== undefined && TOOK_EFFECT[action].has(state)) {
        return {
            ...settled,
            warning: `An earlier attempt to ${action} the job took effect: the job is ${state}. ` +
                'Its answer was lost, and Zoho rejected the retry.'
        };
    }
    if (action === 'abort' && state !== undefined && FINAL_STATES.has(state)) {
        return {
            ...settled,
            warning: `The job had already ended (${state}), so there was nothing to abort: it does not run.`
        };
    }
    if (state !== undefined && FINAL_STATES.has(state) && state !== 'Expired') {
        return {
            reply: refusal.reply,
            status: read.status,
            error: new ZohoError(`The job has ended (${state}), and this run cannot tell whether its start did that: an ` +
                'earlier attempt may have reached Zoho, its answer was lost, and the retry was rejected ' +
                `(${refusal.message}). The job may have ended before this run; check it in Creator before ` +
                'you run the step again.', refusal.reply)
        };
    }
    const shown = state ??
        (raw === undefined
            ? 'in a state Zoho did not say'
            : `in a state this action does not know ("${raw}")`);
    return {
        reply: refusal.reply,
        status: read.status,
        error: new ZohoError(lost
            ? `Zoho did not ${action} the job: the job is ${shown}, after a retry was rejected (${refusal.message})`
            : `${refusal.message} (The job is ${shown}.)`, refusal.reply)
    };
}

;// CONCATENATED MODULE: ./src/held-job.ts





const PENDING_JOB = 'pending-job';
const RUNNER_STATE = {
    save: (name, value) => {
        saveState(name, value);
    },
    read: name => getState(name)
};
const CREATED_NOT_STARTED = 'the job this step created was not started';
const START_FAILED = 'its start failed';
const CANCELLED_WHILE_RUNNING = 'the step was cancelled while the job it started ran';
class HeldJob {
    #state;
    #job;
    #claim = {};
    #life = 'idle';
    constructor(state = RUNNER_STATE) {
        this.#state = state;
    }
    get job() {
        return this.#job;
    }
    take(job, claim = {}) {
        this.#job = job;
        this.#life = 'idle';
        this.claim(claim);
    }
    claim(claim) {
        this.#claim = claim;
        const pending = this.#job !== undefined && claim.onCancel !== undefined;
        this.#state.save(PENDING_JOB, pending ? JSON.stringify(this.#job) : '');
    }
    starting() {
        if (this.#life === 'idle')
            this.#life = 'starting';
    }
    running() {
        if (this.#life !== 'ended')
            this.#life = 'running';
    }
    ended() {
        this.#life = 'ended';
        this.release();
    }
    release() {
        this.claim({});
    }
    abortReason(error) {
        if (this.#job === undefined || this.#life === 'ended')
            return undefined;
        return error instanceof CancelledError ? this.#claim.onCancel : this.#claim.onFailure;
    }
    get goesOn() {
        return this.#life === 'running';
    }
    get mayRun() {
        return this.#life === 'running' || this.#life === 'starting';
    }
    static pending(state = RUNNER_STATE) {
        const saved = jsonObject(state.read(PENDING_JOB));
        if (!isRecord(saved))
            return undefined;
        const { owner, app, form, jobId } = saved;
        if (typeof owner !== 'string' || typeof app !== 'string' || typeof form !== 'string')
            return undefined;
        if (typeof jobId !== 'string' || !JOB_ID_DIGITS.test(jobId))
            return undefined;
        return { owner, app, form, jobId };
    }
}
async function abortJob(job, why, connection, context, deadline) {
    const quick = {
        ...context,
        signal: new AbortController().signal,
        ...(deadline === undefined ? {} : { deadline })
    };
    const outcome = await startOrAbort(job, 'abort', connection, quick);
    if (outcome.error === undefined) {
        return {
            aborted: true,
            note: `The job was aborted, as ${why}, so that the form is free for the next job.`
        };
    }
    const message = context.redact(outcome.error.message);
    return {
        aborted: false,
        note: `The job could not be aborted (${why}): ${message} Abort it in Creator: until it ends, ` +
            'the form takes no other job.'
    };
}
function withNote(error, note) {
    const message = `${error.message} ${note}`;
    return error instanceof CancelledError ? new CancelledError(message) : new ActionError(message);
}

;// CONCATENATED MODULE: ./src/secrets.ts

const MASK = '***';
const JSON_NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
class Secrets {
    #values = [];
    add(value) {
        if (value === '' || this.#values.includes(value))
            return;
        core_setSecret(value);
        this.#values = [...this.#values, value].sort((a, b) => b.length - a.length);
    }
    redact(text) {
        return this.#values.reduce((out, secret) => out.split(secret).join(MASK), text);
    }
    redactJson(json) {
        const pieces = [];
        for (let at = 0; at < json.length;) {
            const end = json.charAt(at) === '"' ? endOfString(json, at) : nextQuote(json, at);
            const piece = json.slice(at, end);
            pieces.push(piece.startsWith('"')
                ? this.redact(piece)
                : piece.replace(JSON_NUMBER, number => this.redact(number) === number ? number : `"${MASK}"`));
            at = end;
        }
        return pieces.join('');
    }
}
function endOfString(json, start) {
    for (let at = start + 1; at < json.length; at++) {
        const char = json.charAt(at);
        if (char === '\\')
            at++;
        else if (char === '"')
            return at + 1;
    }
    return json.length;
}
function nextQuote(json, from) {
    const at = json.indexOf('"', from);
    return at === -1 ? json.length : at;
}
function jobIdForLog(jobId, masked) {
    return masked ? `…${jobId.slice(-6)}` : jobId;
}

;// CONCATENATED MODULE: ./src/zoho/values.ts
const VALUE_PROBLEMS = {
    mandatory: 'is empty, but the field is mandatory',
    email: 'is not an email address',
    whole: 'is not a whole number',
    number: 'is not a number',
    long: 'is longer than the field takes',
    choice: 'is not one of the field’s choices',
    repeat: 'repeats a value of a unique field'
};
const EMAIL = 3;
const NUMBER = 5;
const DECIMALS = new Set([6, 7, 8]);
const ONE_CHOICE = new Set([12, 13]);
const EMAIL_FORM = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const WHOLE_FORM = /^[+-]?\d+$/;
const NUMBER_FORM = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
function valueProblem(field, value) {
    const trimmed = value.trim();
    if (trimmed === '')
        return field.mandatory ? 'mandatory' : undefined;
    if (field.maxChars !== undefined && value.length > field.maxChars)
        return 'long';
    if (field.lookup === true)
        return undefined;
    if (field.type === EMAIL && !EMAIL_FORM.test(trimmed))
        return 'email';
    if (field.type === NUMBER && !WHOLE_FORM.test(trimmed))
        return 'whole';
    if (field.type !== undefined && DECIMALS.has(field.type) && !NUMBER_FORM.test(trimmed))
        return 'number';
    if (field.type !== undefined &&
        ONE_CHOICE.has(field.type) &&
        field.choices !== undefined &&
        !field.choices.includes(trimmed))
        return 'choice';
    return undefined;
}

;// CONCATENATED MODULE: ./src/report.ts








const DAILY_BUDGET = '250 to 1000 calls';
const MAX_CELL_CHARS = 200;
const MAX_PARAGRAPH_CHARS = 4000;
const MAX_PREVIEW_COLUMNS = 20;
const MAX_STATUS_OUTPUT_CHARS = 1000;
const MAX_RESPONSE_OUTPUT_CHARS = 64 * 1024;
const CUT_MARK = '… (cut)';
function reportOutcome(outcome, secrets) {
    const { reply } = outcome;
    if (reply !== undefined) {
        setOutput('http-status', String(reply.httpStatus));
        if (reply.data !== undefined) {
            const response = secrets.redactJson(reply.body);
            if (response.length <= MAX_RESPONSE_OUTPUT_CHARS)
                setOutput('response', response);
            else
                core_warning(`Zoho's response is ${response.length} characters long, more than the response output ` +
                    `takes (${MAX_RESPONSE_OUTPUT_CHARS}); the output is left empty.`);
            if (reply.code !== undefined)
                setOutput('code', String(reply.code));
            const text = reply.message ?? outcome.status?.raw;
            if (text !== undefined)
                setOutput('status', cut(secrets.redact(text), MAX_STATUS_OUTPUT_CHARS, CUT_MARK));
        }
    }
    if (outcome.status !== undefined)
        reportStatus(outcome.status, secrets);
    if (outcome.warning !== undefined)
        core_warning(secrets.redact(outcome.warning));
}
const COUNT_OUTPUTS = {
    total: 'total-records',
    success: 'success-records',
    failed: 'failed-records',
    unprocessed: 'unprocessed-records'
};
function reportJob(job, secrets) {
    if (job.wait.status !== undefined)
        reportStatus(job.wait.status, secrets);
    if (job.resultDir !== undefined)
        setOutput('result-dir', job.resultDir);
    for (const warning of job.warnings)
        core_warning(secrets.redact(warning));
}
function reportStatus(status, secrets) {
    setOutput('job-status', cut(secrets.redact(stateName(status)), MAX_CELL_CHARS, CUT_MARK));
    for (const [count, output] of Object.entries(COUNT_OUTPUTS)) {
        const value = status.records[count];
        if (value !== undefined)
            setOutput(output, String(value));
    }
}
async function writeSummary(record, now, secrets) {
    const { settings, failure } = record;
    if (!process.env['GITHUB_STEP_SUMMARY'] || settings === undefined)
        return;
    const cell = (text) => summaryCell(text, secrets);
    const paragraph = (text) => summaryCell(text, secrets, MAX_PARAGRAPH_CHARS);
    const status = record.partsStatus ?? record.job?.wait.status ?? record.status;
    let html = `<h3>${cell(headline(settings, record, status))}</h3>\n`;
    if (failure !== undefined)
        html += `<p>${paragraph(failure)}</p>\n`;
    const passed = failure === undefined
        ? failedButPassed(status, waitOf(settings)?.failOnFailedRecords ?? true)
        : undefined;
    if (passed !== undefined)
        html += `<p>⚠️ ${paragraph(`${passed}: their rows and Zoho's reasons are below and in result-dir.`)}</p>\n`;
    const again = rerun(settings);
    if (again !== undefined)
        html += `<p>⚠️ ${paragraph(again)}</p>\n`;
    if (record.values !== undefined)
        html += valuesHtml(record.values, cell);
    const preview = record.failedRows ?? record.job?.preview;
    if (preview !== undefined)
        html += previewHtml(preview, cell);
    const resultDir = (record.parts === undefined ? record.job?.resultDir : record.resultDir) ?? record.checkDir;
    if (resultDir !== undefined)
        html += `<p>${paragraph(resultFilesNote(resultDir))}</p>\n`;
    if (record.parts !== undefined && record.parts.length > 0)
        html += partsHtml(record.parts, settings, cell);
    if (record.plan !== undefined && record.plan.parts.length > 1)
        html += planHtml(record.plan, cell);
    html += recordsChart(status);
    const rows = [
        ...describeRun(settings, record, status),
        ...describeJob(status, record.job),
        ...describeCost(record, now)
    ];
    html +=
        '<details><summary>Details: the settings, each step, the API calls</summary>' +
            table(['Field', 'Value'], rows.map(([field, value]) => [field, cell(value)]));
    if (record.events.length > 0)
        html += table(['Step', 'What happened'], record.events.map(row => row.map(cell)));
    html += '</details>\n';
    summary.addRaw(html);
    try {
        await summary.write();
    }
    catch (error) {
        core_warning(`Could not write the job summary: ${messageOf(error)}`);
    }
}
function headline(settings, record, status) {
    const icon = record.cancelled !== undefined ? '⚠️' : record.failure !== undefined ? '❌' : '✅';
    const verdict = record.cancelled !== undefined
        ? 'cancelled'
        : record.failure !== undefined
            ? 'failed'
            : 'succeeded';
    if ('dryRun' in settings && settings.dryRun) {
        const { plan } = record;
        const what = plan === undefined
            ? ''
            : `: ${counted(plan.records, 'record')} in ${counted(plan.parts.length, 'job')}, nothing sent`;
        return `${icon} Zoho Creator ${settings.action} dry run ${record.failure === undefined ? 'passed' : verdict}${what}`;
    }
    const what = settings.action === 'status' && settings.wait === undefined && status !== undefined
        ? `the job is ${describeStatus(status)}`
        : [countsLine(status, record.parts), skippedLine(record)]
            .filter(part => part !== '')
            .join(', ');
    return `${icon} Zoho Creator ${settings.action} ${verdict}${what === '' ? '' : `: ${what}`}`;
}
function skippedLine({ keyed }) {
    if (keyed === undefined || keyed.skipped === 0)
        return '';
    return keyed.toLoad === 0
        ? `all ${counted(keyed.skipped, 'record')} already in Zoho`
        : `${keyed.skipped} already in Zoho (skipped)`;
}
function countsLine(status, parts) {
    const { total, success, failed, unprocessed } = status?.records ?? {};
    const notTried = (parts ?? []).filter(part => part.tried !== true);
    const untried = notTried.reduce((sum, part) => sum + part.records, 0);
    const phrases = [
        total === undefined ? '' : `${success ?? 0} of ${counted(total, 'record')} loaded`,
        failed === undefined || failed === 0 ? '' : `${failed} failed`,
        unprocessed === undefined || unprocessed === 0 ? '' : `${unprocessed} not processed`,
        notTried.length === 0
            ? ''
            : `${counted(untried, 'record')} in ${counted(notTried.length, 'part')} not attempted`
    ];
    return phrases.filter(phrase => phrase !== '').join(', ');
}
function resultFilesNote(dir) {
    return (`The result files are in result-dir (${dir}). The runner's temporary folder is wiped when ` +
        'the job ends: keep them with an actions/upload-artifact step whose path is the result-dir output.');
}
function partsHtml(parts, settings, cell) {
    const loaded = parts.filter(part => part.status?.state === 'Completed').length;
    return (`<h4>${cell(`Parts: ${loaded} of ${parts.length} completed`)}</h4>\n` +
        table(['Part', 'Job', 'Rows of the file', 'State', 'Succeeded', 'Failed', 'Unprocessed'], parts.map(part => partRow(part, settings.maskJobId).map(cell))));
}
function valuesHtml(values, cell) {
    return (`<h4>${cell(`Values the form would refuse, in ${counted(values.rows, 'row')} (problems.csv in result-dir lists each)`)}</h4>\n` +
        table(['Column', 'Problem', 'Rows', 'First rows'], values.kinds.map(kind => [kind.column, VALUE_PROBLEMS[kind.problem], String(kind.rows), kind.first.join(', ')].map(cell))) +
        table(['Row', 'Column', 'Value', 'Problem'], values.first.map(found => [String(found.row), found.column, found.value, found.problem].map(cell))));
}
function planHtml(plan, cell) {
    return (`<h4>${cell(`The load would take ${counted(plan.parts.length, 'job')}`)}</h4>\n` +
        table(['Part', 'Rows of the file', 'Records'], plan.parts.map(part => [String(part.index), `${part.firstRow}–${part.lastRow}`, String(part.records)].map(cell))));
}
function partRow(part, maskJobId) {
    const count = (value) => (value === undefined ? '—' : String(value));
    const { records } = part.status ?? { records: {} };
    return [
        String(part.index),
        part.jobId === undefined ? '—' : jobIdForLog(part.jobId, maskJobId),
        `${part.firstRow}–${part.lastRow} (${counted(part.records, 'record')})`,
        part.status !== undefined
            ? stateName(part.status)
            : part.tried === true
                ? 'not finished'
                : 'not attempted',
        count(records.success),
        count(records.failed),
        count(records.unprocessed)
    ];
}
function describeRun(settings, record, status) {
    const { reply, jobId } = record;
    return [
        ['Action', settings.action],
        ['Data centre', `${settings.dataCentre.code} (${settings.apiBaseUrl})`],
        ['App / form', `${settings.form.app} / ${settings.form.form}`],
        ['Job ID', jobId === undefined ? '—' : jobIdForLog(jobId, settings.maskJobId)],
        ['Environment', settings.environment],
        [
            'Authentication',
            settings.auth.kind === 'token'
                ? 'access token'
                : `refresh token of client ${settings.auth.credentials.clientId}`
        ],
        ['HTTP status', reply === undefined ? 'no response' : String(reply.httpStatus)],
        ['Zoho code', reply?.code === undefined ? '—' : String(reply.code)],
        ['Zoho status', reply?.message ?? status?.raw ?? '—']
    ];
}
function describeJob(status, job) {
    if (job === undefined && status === undefined)
        return [];
    const count = (value) => (value === undefined ? '—' : String(value));
    const running = job === undefined || job.wait.end === 'finished' ? '' : ' (still running)';
    const state = status === undefined ? 'unknown' : stateName(status);
    return [
        [job === undefined ? 'State' : 'Final state', `${state}${running}`],
        ['Total records', count(status?.records.total)],
        ['Succeeded', count(status?.records.success)],
        ['Failed', count(status?.records.failed)],
        ['Unprocessed', count(status?.records.unprocessed)]
    ];
}
function describeCost(record, now) {
    return [
        ['Wall time', `${((now - record.startedMs) / 1000).toFixed(1)} s`],
        [
            'API calls',
            `${record.calls.made} (Zoho allows each user ${DAILY_BUDGET} a day, by plan, shared by every integration)`
        ],
        ...(record.settings?.auth.kind === 'refresh'
            ? [['Access tokens minted', String(record.mints.made)]]
            : [])
    ];
}
function rerun(settings) {
    if (settings.action !== 'load' || settings.runAttempt <= 1 || settings.key !== undefined)
        return undefined;
    return (`This is attempt ${settings.runAttempt} of the workflow run: Zoho's bulk insert only inserts, ` +
        'so records an earlier attempt loaded may go in again. A field set to "no duplicate values" ' +
        'in the form turns a second insert into failed rows (see the README).');
}
const SLICES = [
    ['Succeeded', 'success', '#2da44e'],
    ['Failed', 'failed', '#cf222e'],
    ['Unprocessed', 'unprocessed', '#bf8700']
];
function recordsChart(status) {
    const slices = SLICES.flatMap(([name, count, colour]) => {
        const value = status?.records[count] ?? 0;
        return value > 0 ? [{ name, value, colour }] : [];
    });
    if (slices.length === 0)
        return '';
    const colours = slices.map(({ colour }, index) => `"pie${index + 1}": "${colour}"`).join(', ');
    const lines = slices.map(({ name, value }) => `    "${name}" : ${value}`);
    return (`\n\`\`\`mermaid\n%%{init: {"theme": "base", "themeVariables": {${colours}}}}%%\n` +
        `pie showData title Records\n${lines.join('\n')}\n\`\`\`\n\n`);
}
function previewHtml(preview, cell) {
    const columns = preview.header.length;
    const shown = Math.min(columns, MAX_PREVIEW_COLUMNS);
    const notes = [
        preview.more ? `the first ${preview.rows.length}` : '',
        columns > shown ? `the first ${shown} of ${columns} columns` : ''
    ].filter(note => note !== '');
    return (`<h4>Failed rows${notes.length === 0 ? '' : ` (${notes.join('; ')})`}</h4>\n` +
        table(preview.header.slice(0, shown).map(cell), preview.rows.map(row => row.slice(0, shown).map(cell))));
}
function table(header, rows) {
    const row = (cells, tag) => `<tr>${cells.map(text => `<${tag}>${text}</${tag}>`).join('')}</tr>`;
    return `<table>${row(header, 'th')}${rows.map(cells => row(cells, 'td')).join('')}</table>\n`;
}
function summaryCell(text, secrets, max = MAX_CELL_CHARS) {
    return escapeHtml(cut(secrets.redact(text), max, CUT_MARK)).replace(/\r\n|\r|\n/g, '<br>');
}
function escapeHtml(text) {
    const entities = {
        '&': '&amp;',
        '<': '&lt;',
        '>': '&gt;',
        '"': '&quot;',
        "'": '&#39;'
    };
    return text.replace(/[&<>"']/g, char => entities[char] ?? char);
}

;// CONCATENATED MODULE: ./src/results.ts













async function downloadResults(filters, dir, job, connection, context) {
    const files = [];
    for (const filter of filters) {
        const path = (0,external_node_path_namespaceObject.join)(dir, `${filter}.zip`);
        try {
            await downloadApi(connection, resultRequest(connection, job, filter), path, reply => replyError(reply, `hand over the ${filter} results`, 'result') ??
                new ZohoError(`Zoho sent no ZIP for the ${filter} results (HTTP ${reply.httpStatus}): ${reply.quoted.body}.`, reply), context);
            files.push({ filter, path });
        }
        catch (error) {
            if (!(error instanceof ActionError) || error instanceof CancelledError)
                throw error;
            files.push({ filter, warning: `No ${filter}.zip: ${error.message}` });
        }
    }
    return files;
}
const MAX_RESULT_CSV_BYTES = 2 * MAX_FILE_BYTES;
async function appendResultCsv(zipPath, into, first) {
    const csv = await zipCsv(zipPath);
    if (csv === undefined)
        throw new LocalFileError(`${zipPath} holds no .csv file.`);
    const rows = first ? csv : external_node_stream_namespaceObject.Readable.from(withoutHeader(csv));
    const lineBreak = !first && !(await endsWithLineBreak(into));
    await (0,external_node_stream_promises_namespaceObject.pipeline)(rows, capped(zipPath, lineBreak), (0,external_node_fs_namespaceObject.createWriteStream)(into, { flags: first ? 'w' : 'a' }));
}
function capped(path, lineBreakFirst) {
    return async function* (source) {
        if (lineBreakFirst)
            yield Buffer.from('\r\n');
        let bytes = 0;
        for await (const chunk of source) {
            bytes += chunk.length;
            if (bytes > MAX_RESULT_CSV_BYTES) {
                throw new LocalFileError(`${path} inflates to more than ${MAX_RESULT_CSV_BYTES} bytes: no result file of one job is that large.`);
            }
            yield chunk;
        }
    };
}
async function endsWithLineBreak(path) {
    const file = await (0,external_node_fs_promises_namespaceObject.open)(path, 'r');
    try {
        const { size } = await file.stat();
        if (size === 0)
            return true;
        const { buffer } = await file.read(Buffer.alloc(1), 0, 1, size - 1);
        return buffer[0] === 0x0a;
    }
    finally {
        await file.close();
    }
}
function morePreview(preview, more, maxRows) {
    if (preview === undefined)
        return more;
    const rows = [...preview.rows, ...more.rows];
    return {
        header: preview.header,
        rows: rows.slice(0, maxRows),
        more: preview.more || more.more || rows.length > maxRows
    };
}
const MAX_PREVIEW_BYTES = 1024 * 1024;
async function previewCsv(zipPath, maxRows) {
    const reader = new CsvReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    let ended = true;
    const enough = () => bytes > MAX_PREVIEW_BYTES || reader.rows.length > maxRows + 1;
    let csv;
    try {
        csv = await zipCsv(zipPath);
        if (csv === undefined)
            return undefined;
        for await (const chunk of csv) {
            bytes += chunk.length;
            reader.push(decoder.decode(chunk, { stream: true }));
            if (enough()) {
                ended = false;
                break;
            }
        }
    }
    catch (error) {
        throw new ActionError(`Could not read ${zipPath} for the preview of failed rows: ${messageOf(error)}. The file is kept as Zoho sent it.`);
    }
    finally {
        csv?.destroy();
    }
    if (ended) {
        reader.push(decoder.decode());
        reader.end();
    }
    const [header = [], ...rows] = reader.rows;
    return { header, rows: rows.slice(0, maxRows), more: rows.length > maxRows || !ended };
}

;// CONCATENATED MODULE: ./src/zoho/auth.ts




const DEFAULT_LIFETIME_S = 3600;
const RENEW_MARGIN_MS = 5 * 60_000;
function accessTokens(auth, dataCentre, secrets, mints) {
    if (auth.kind === 'token') {
        return { current: () => Promise.resolve(auth.token), renew: () => Promise.resolve(false) };
    }
    let held;
    const mint = async (context, why) => {
        context.log(`${why} at ${auth.credentials.accountsBaseUrl}.`);
        const minted = await mintAccessToken(auth.credentials, dataCentre, secrets, {
            ...context,
            calls: mints
        });
        const lifetimeMs = minted.lifetimeS * 1000;
        held = {
            token: minted.token,
            renewAt: context.clock.now() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 4)
        };
        return minted.token;
    };
    return {
        current: async (context) => {
            if (held === undefined)
                return mint(context, 'Minting an access token');
            if (context.clock.now() >= held.renewAt)
                return mint(context, 'The access token is about to expire; minting a new one');
            return held.token;
        },
        renew: async (context) => {
            await mint(context, 'Zoho refused the access token (code 1030); minting a new one');
            return true;
        }
    };
}
function tokenRequest(credentials) {
    return {
        method: 'POST',
        url: `${credentials.accountsBaseUrl}/oauth/v2/token`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({
            grant_type: 'refresh_token',
            client_id: credentials.clientId,
            client_secret: credentials.clientSecret,
            refresh_token: credentials.refreshToken
        }).toString()
    };
}
async function mintAccessToken(credentials, dataCentre, secrets, context) {
    const reply = await call(tokenRequest(credentials), reply => {
        const token = reply.data?.['access_token'];
        if (typeof token === 'string')
            for (const line of token.split(/[\r\n]/))
                secrets.add(line);
        return tokenReplyError(reply, dataCentre);
    }, context);
    checkApiDomain(reply.data?.['api_domain'], dataCentre);
    return {
        token: String(reply.data?.['access_token']),
        lifetimeS: positive(wholeNumber(reply.data?.['expires_in'])) ?? DEFAULT_LIFETIME_S
    };
}
const positive = (value) => (value === 0 ? undefined : value);
const HEADER_SAFE = /^[\x21-\x7e]+$/;
function tokenReplyError(reply, dataCentre) {
    const unreadable = unreadableReply(reply);
    if (unreadable !== undefined)
        return unreadable;
    const error = reply.data?.['error'];
    const description = reply.data?.['error_description'];
    const said = `HTTP ${reply.httpStatus}, error "${String(error)}"${typeof description === 'string' ? `: ${reply.quoted.message}` : ''}`;
    if (error === 'invalid_code') {
        return new ZohoError(`Zoho refused the refresh token (${said}): it is wrong, revoked, or from another data centre. ` +
            'Generate a new one from your Self Client and store it in the refresh-token secret.', reply);
    }
    if (error === 'invalid_client') {
        return new ZohoError(`Zoho refused the client (${said}): check client-id and client-secret, and that the client ` +
            `was made in the API console of data centre "${dataCentre.code}".`, reply);
    }
    if (error === 'Access Denied' ||
        (typeof description === 'string' && /too many requests/i.test(description))) {
        return new ZohoError(`Zoho's accounts server is throttling token requests (${said}). A refresh token mints about ` +
            '10 access tokens in 10 minutes: run fewer jobs with it at once.', reply, true);
    }
    if (error !== undefined)
        return new ZohoError(`Zoho's accounts server refused the token request (${said}).`, reply);
    const token = reply.data?.['access_token'];
    if (typeof token !== 'string' || reply.httpStatus < 200 || reply.httpStatus >= 300) {
        return new ZohoError(`Zoho's accounts server answered HTTP ${reply.httpStatus} without an access token. Check accounts-url.`, reply);
    }
    if (!HEADER_SAFE.test(token)) {
        return new ZohoError(`Zoho's accounts server answered with an access token that cannot be sent in a header ` +
            '(it holds spaces, line breaks or other control characters); no API call was made with it.', reply);
    }
    return undefined;
}
function checkApiDomain(apiDomain, dataCentre) {
    if (typeof apiDomain !== 'string')
        return;
    const host = URL.parse(apiDomain)?.hostname;
    const tokenDataCentre = DATA_CENTRES.find(dc => dc.apiHost === host);
    if (tokenDataCentre !== undefined && tokenDataCentre !== dataCentre) {
        throw new ActionError(`The access token is for Zoho's "${tokenDataCentre.code}" data centre (api_domain ${apiDomain}), ` +
            `but dc is "${dataCentre.code}": set dc: ${tokenDataCentre.code}.`);
    }
}

;// CONCATENATED MODULE: ./src/zoho/fields.ts



const SEVERAL_IDS_TYPES = new Set([14, 15]);
async function fetchFormFields(connection, form, context) {
    const reply = await callApi(connection, formFieldsRequest(connection, form), answer => replyError(answer, "list the form's fields", 'fields') ?? unreadable(answer), context);
    return readFields(reply) ?? [];
}
function unreadable(reply) {
    if (readFields(reply) !== undefined)
        return undefined;
    return new ZohoError(`Zoho listed the form's fields in a shape this action cannot read: ${reply.quoted.body}. ` +
        'Set check-header: false to skip the check.', reply);
}
function readFields(reply) {
    return fieldsOf(reply.data?.['fields']);
}
function fieldsOf(list) {
    if (!Array.isArray(list))
        return undefined;
    const fields = [];
    for (const item of list) {
        if (!isRecord(item) || typeof item['link_name'] !== 'string')
            return undefined;
        const subfields = Array.isArray(item['subfields'])
            ? item['subfields'].flatMap(sub => isRecord(sub) && typeof sub['link_name'] === 'string' ? [sub['link_name']] : [])
            : undefined;
        const type = wholeNumber(item['type']);
        const maxChars = wholeNumber(item['max_char']);
        const choices = choicesOf(item['choices']);
        fields.push({
            linkName: item['link_name'],
            mandatory: item['mandatory'] === true,
            unique: item['unique'] === true,
            ...(type === undefined ? {} : { type }),
            ...(subfields === undefined || subfields.length === 0 ? {} : { subfields }),
            ...(maxChars === undefined || maxChars <= 0 ? {} : { maxChars }),
            ...(choices === undefined ? {} : { choices }),
            ...(item['is_lookup_field'] === true ? { lookup: true } : {})
        });
    }
    return fields;
}
function choicesOf(list) {
    if (!Array.isArray(list) || list.length === 0)
        return undefined;
    const choices = [];
    for (const choice of list) {
        const value = isRecord(choice) ? (choice['display_value'] ?? choice['value']) : choice;
        if (typeof value !== 'string')
            return undefined;
        choices.push(value);
    }
    return choices;
}
const NAME_TYPE = 29;
const MAX_SIMPLE_TYPE = 18;
function hasSubfields(field) {
    if (field.subfields !== undefined || field.type === NAME_TYPE)
        return true;
    return field.type === undefined || field.type > MAX_SIMPLE_TYPE;
}

;// CONCATENATED MODULE: ./src/operations/repeats.ts
const MAX_KEPT_BYTES = 16 * 1024 * 1024;
const ENTRY_BYTES = 160;
class RepeatFinder {
    #columns;
    #seen = new Map();
    #found = [];
    #every;
    #kept = 0;
    stoppedAfter;
    constructor(columns, fields, every = false) {
        const unique = new Set(fields.filter(field => field.unique).map(field => field.linkName));
        this.#columns = columns.flatMap((column, index) => unique.has(column.trim()) ? [{ index, name: column.trim() }] : []);
        for (const { index } of this.#columns)
            this.#seen.set(index, new Map());
        this.#every = every;
    }
    get active() {
        return this.#columns.length > 0 && this.stoppedAfter === undefined;
    }
    add(cells, row) {
        if (!this.active)
            return [];
        const repeats = [];
        for (const column of [...this.#columns]) {
            const seen = this.#seen.get(column.index);
            const value = cells[column.index]?.trim() ?? '';
            if (seen === undefined || value === '')
                continue;
            const first = seen.get(value);
            if (first !== undefined) {
                repeats.push({ column: column.index, name: column.name, value, first });
                if (this.#every)
                    continue;
                this.#found.push(`the unique field ${JSON.stringify(column.name)} holds ${JSON.stringify(value.slice(0, 60))} twice (rows ${first} and ${row})`);
                this.#columns.splice(this.#columns.indexOf(column), 1);
                this.#seen.delete(column.index);
                continue;
            }
            this.#kept += 2 * value.length + ENTRY_BYTES;
            seen.set(value, row);
        }
        if (this.#kept > MAX_KEPT_BYTES) {
            this.stoppedAfter = row;
            this.#seen.clear();
        }
        return repeats;
    }
    get problems() {
        return this.#found;
    }
}

;// CONCATENATED MODULE: ./src/operations/check-values.ts




const PROBLEMS_HEADER = ['Row', 'Column', 'Value', 'Problem'];
const MAX_VALUE_CHARS = 100;
const FIRST_ROWS = 5;
const FIRST_PROBLEMS = 20;
class ValueChecker {
    #columns;
    #repeats;
    #kinds = new Map();
    #first = [];
    #problems;
    #kept;
    #rejected;
    #rows = 0;
    constructor(columns, fields, outs) {
        const byName = new Map(fields.map(field => [field.linkName, field]));
        this.#columns = columns.flatMap((column, index) => {
            const field = byName.get(column.trim());
            return field === undefined ? [] : [{ index, name: column.trim(), field }];
        });
        this.#repeats = new RepeatFinder(columns, fields, true);
        [this.#problems, this.#kept, this.#rejected] = outs;
    }
    static async writingTo(path, columns, fields, sorting, append = false) {
        const problems = await CsvWriter.create(path, append);
        if (!append)
            problems.row(PROBLEMS_HEADER);
        let kept;
        let rejected;
        try {
            if (sorting !== undefined) {
                kept = await CsvWriter.create(sorting.kept);
                kept.row(columns);
                rejected = await CsvWriter.create(sorting.rejected, append);
                if (!append)
                    rejected.row(columns);
            }
        }
        catch (error) {
            await problems.close();
            await kept?.close();
            throw error;
        }
        return new ValueChecker(columns, fields, [problems, kept, rejected]);
    }
    add(cells, row) {
        let bad = false;
        for (const { index, name, field } of this.#columns) {
            const value = cells[index] ?? '';
            const problem = valueProblem(field, value);
            if (problem !== undefined) {
                this.#note(row, name, value, problem);
                bad = true;
            }
        }
        for (const repeat of this.#repeats.add(cells, row)) {
            this.#note(row, repeat.name, repeat.value, 'repeat', ` (first in row ${repeat.first})`);
            bad = true;
        }
        if (bad)
            this.#rows += 1;
        (bad ? this.#rejected : this.#kept)?.row(cells);
    }
    async flush() {
        await this.#problems.flush();
        await this.#kept?.flush();
        await this.#rejected?.flush();
    }
    async close() {
        try {
            await this.#problems.close();
        }
        finally {
            await this.#kept?.close();
            await this.#rejected?.close();
        }
        return {
            rows: this.#rows,
            kinds: [...this.#kinds.values()],
            first: this.#first,
            repeatsStoppedAfter: this.#repeats.stoppedAfter
        };
    }
    #note(row, column, value, problem, more = '') {
        const found = {
            row,
            column,
            value: cut(value, MAX_VALUE_CHARS, ''),
            problem: `${VALUE_PROBLEMS[problem]}${more}`
        };
        this.#problems.row([String(row), column, found.value, found.problem]);
        if (this.#first.length < FIRST_PROBLEMS)
            this.#first.push(found);
        const key = `${column}\n${problem}`;
        const kind = this.#kinds.get(key) ?? { column, problem, rows: 0, first: [] };
        this.#kinds.set(key, kind);
        kind.rows += 1;
        if (kind.first.length < FIRST_ROWS)
            kind.first.push(row);
    }
}
function describeKind(kind) {
    const more = kind.rows > kind.first.length ? ', …' : '';
    return (`${JSON.stringify(kind.column)} ${VALUE_PROBLEMS[kind.problem]}: ${counted(kind.rows, 'row')} ` +
        `(${kind.first.join(', ')}${more})`);
}

;// CONCATENATED MODULE: ./src/operations/check-header.ts





async function checkFileHeader(file, form, connection, context, nothingDone, valueFiles) {
    const fields = await fetchFormFields(connection, form, context);
    const problems = headerProblems(file.columns, fields);
    const misfit = () => new ActionError(`The file ${file.name} does not fit the form ${form.form}: ${problems.join('; ')}. ` +
        `${nothingDone} Fix the file, or set check-header: false to skip the check.`);
    if (valueFiles !== undefined && problems.length > 0)
        throw misfit();
    const checker = valueFiles === undefined
        ? undefined
        : await ValueChecker.writingTo(valueFiles.problems, file.columns, fields, valueFiles.sorting, valueFiles.append);
    const repeats = checker === undefined ? new RepeatFinder(file.columns, fields) : undefined;
    const reading = () => checker !== undefined || repeats?.active === true;
    let values;
    try {
        if (reading()) {
            await forEachRow(file, (cells, row) => {
                checker?.add(cells, row);
                repeats?.add(cells, row);
            }, reading, async () => checker?.flush());
        }
    }
    finally {
        values = await checker?.close();
    }
    problems.push(...(repeats?.problems ?? []));
    if (problems.length > 0)
        throw misfit();
    const stoppedAfter = values?.repeatsStoppedAfter ?? repeats?.stoppedAfter;
    const partly = stoppedAfter === undefined
        ? ''
        : ` (repeated values were looked for up to row ${stoppedAfter}, where the values kept reached their memory bound)`;
    const what = values === undefined ? 'columns fit' : 'columns and values were checked against';
    const summary = `its ${file.columns.length} ${what} the form's ${fields.length} fields${partly}`;
    context.log(`Checked ${values === undefined ? 'the header' : 'every value'} of ${file.name}: ${summary}.`);
    return values === undefined ? { summary } : { summary, values };
}
const SUGGESTIONS = 3;
const closeEnough = (name) => Math.max(1, Math.ceil(name.length / 3));
const MAX_COMPARED_CHARS = 100;
const MAX_LISTED = 20;
function headerProblems(columns, fields) {
    const byName = new Map(fields.map(field => [field.linkName, field]));
    const problems = [];
    const unknown = columns.map(column => column.trim()).filter(column => !fits(column, byName));
    if (unknown.length > 0) {
        const listed = unknown
            .slice(0, MAX_LISTED)
            .map(column => unknownColumn(column, suggestionsFor(column, byName)));
        const more = unknown.length > MAX_LISTED ? ` and ${unknown.length - MAX_LISTED} more` : '';
        problems.push(`${unknown.length === 1 ? 'a column that is' : 'columns that are'} no field of the form: ` +
            `${listed.join(', ')}${more}`);
    }
    const present = new Set(columns.map(column => splitColumn(column.trim()).name));
    const missing = fields.filter(field => field.mandatory && !present.has(field.linkName));
    if (missing.length > 0) {
        problems.push(`no column for the mandatory field${missing.length === 1 ? '' : 's'} ` +
            missing.map(field => JSON.stringify(field.linkName)).join(', '));
    }
    return problems;
}
function splitColumn(column) {
    const dot = column.indexOf('.');
    return dot === -1
        ? { name: column, subfield: undefined }
        : { name: column.slice(0, dot), subfield: column.slice(dot + 1) };
}
function fits(column, byName) {
    const { name, subfield } = splitColumn(column);
    const field = byName.get(name);
    if (field === undefined)
        return false;
    if (subfield === undefined)
        return true;
    return hasSubfields(field) && (field.subfields?.includes(subfield) ?? true);
}
function suggestionsFor(column, byName) {
    const { name, subfield } = splitColumn(column);
    const field = byName.get(name);
    if (subfield !== undefined && field !== undefined && !hasSubfields(field))
        return [name];
    const subfields = field?.subfields;
    if (subfield !== undefined && subfields !== undefined)
        return closest(subfield, subfields).map(found => `${name}.${found}`);
    const rest = subfield === undefined ? '' : `.${subfield}`;
    return closest(name, [...byName.keys()]).map(found => found + rest);
}
function unknownColumn(column, suggestions) {
    const quoted = JSON.stringify(column.slice(0, 100));
    return suggestions.length === 0
        ? `${quoted} (no field by a close name)`
        : `${quoted} (did you mean ${suggestions.map(name => JSON.stringify(name)).join(' or ')}?)`;
}
function closest(name, names) {
    if (name.length > MAX_COMPARED_CHARS)
        return [];
    const lower = name.toLowerCase();
    return names
        .map(candidate => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
        .filter(({ distance }) => distance <= closeEnough(name))
        .sort((a, b) => a.distance - b.distance)
        .slice(0, SUGGESTIONS)
        .map(({ candidate }) => candidate);
}
function editDistance(a, b) {
    const rows = [Array.from({ length: b.length + 1 }, (_, index) => index)];
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        const above = rows[i - 1] ?? [];
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let best = Math.min((above[j - 1] ?? 0) + cost, (above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1);
            if (a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
            row.push(best);
        }
        rows.push(row);
    }
    return rows[a.length]?.[b.length] ?? 0;
}

;// CONCATENATED MODULE: ./src/operations/key-table.ts
const EMPTY = 0;
const FIRST_ARENA_BYTES = 1_048_576;
const FIRST_KEYS = 512;
const START = 0;
const LENGTH = 1;
const HASH = 2;
const VALUE = 3;
const NUMBERS = 4;
const SHORT_KEY_BYTES = 32;
class KeyTable {
    #arena = Buffer.allocUnsafe(FIRST_ARENA_BYTES);
    #used = 0;
    #numbers = new Int32Array(NUMBERS * FIRST_KEYS);
    #size = 0;
    #index = new Int32Array(2 * FIRST_KEYS);
    #scratch = Buffer.allocUnsafe(256);
    get size() {
        return this.#size;
    }
    add(key, value) {
        const length = this.#encode(key);
        const hash = this.#hash(length);
        const found = this.#find(hash, length);
        if (found !== undefined)
            return this.#number(found, VALUE);
        if (2 * (this.#size + 1) > this.#index.length)
            this.#grow();
        this.#store(hash, length, value);
        return undefined;
    }
    has(key) {
        return this.#lookUp(key) !== undefined;
    }
    get(key) {
        const found = this.#lookUp(key);
        return found === undefined ? undefined : this.#number(found, VALUE);
    }
    *keys() {
        for (let at = 0; at < this.#size; at++) {
            const start = this.#number(at, START);
            yield this.#arena.toString('utf8', start, start + this.#number(at, LENGTH));
        }
    }
    #number(at, which) {
        return this.#numbers[NUMBERS * at + which] ?? 0;
    }
    #encode(key) {
        const { length } = key;
        if (3 * length > this.#scratch.length)
            this.#scratch = Buffer.allocUnsafe(3 * length);
        const scratch = this.#scratch;
        for (let at = 0; at < length; at++) {
            const unit = key.charCodeAt(at);
            if (unit > 0x7f)
                return scratch.write(key, 0, 'utf8');
            scratch[at] = unit;
        }
        return length;
    }
    #isAt(start, length) {
        if (length > SHORT_KEY_BYTES)
            return this.#scratch.compare(this.#arena, start, start + length, 0, length) === 0;
        for (let at = 0; at < length; at++)
            if (this.#arena[start + at] !== this.#scratch[at])
                return false;
        return true;
    }
    #lookUp(key) {
        const length = this.#encode(key);
        return this.#find(this.#hash(length), length);
    }
    #hash(length) {
        let hash = 0x811c9dc5;
        for (let at = 0; at < length; at++) {
            hash ^= this.#scratch[at] ?? 0;
            hash = Math.imul(hash, 0x01000193);
        }
        return hash;
    }
    #find(hash, length) {
        const mask = this.#index.length - 1;
        for (let slot = hash & mask;; slot = (slot + 1) & mask) {
            const entry = this.#index[slot] ?? EMPTY;
            if (entry === EMPTY)
                return undefined;
            const at = entry - 1;
            if (this.#number(at, HASH) === hash &&
                this.#number(at, LENGTH) === length &&
                this.#isAt(this.#number(at, START), length))
                return at;
        }
    }
    #store(hash, length, value) {
        if (this.#used + length > this.#arena.length) {
            const arena = Buffer.allocUnsafe(Math.max(2 * this.#arena.length, this.#used + length));
            this.#arena.copy(arena, 0, 0, this.#used);
            this.#arena = arena;
        }
        if (NUMBERS * this.#size === this.#numbers.length) {
            const numbers = new Int32Array(2 * this.#numbers.length);
            numbers.set(this.#numbers);
            this.#numbers = numbers;
        }
        this.#scratch.copy(this.#arena, this.#used, 0, length);
        const at = this.#size;
        const numbers = this.#numbers;
        const base = NUMBERS * at;
        numbers[base + START] = this.#used;
        numbers[base + LENGTH] = length;
        numbers[base + HASH] = hash;
        numbers[base + VALUE] = value;
        this.#used += length;
        this.#size += 1;
        this.#place(at, hash);
    }
    #place(at, hash) {
        const mask = this.#index.length - 1;
        let slot = hash & mask;
        while ((this.#index[slot] ?? EMPTY) !== EMPTY)
            slot = (slot + 1) & mask;
        this.#index[slot] = at + 1;
    }
    #grow() {
        this.#index = new Int32Array(2 * this.#index.length);
        for (let at = 0; at < this.#size; at++)
            this.#place(at, this.#number(at, HASH));
    }
}

;// CONCATENATED MODULE: ./src/zoho/bulk-read.ts




async function createReadJob(connection, report, query, context) {
    const request = createReadRequest(connection, report, query);
    const what = 'cursor' in query ? 'read the next batch of' : 'read';
    context.log(`${request.method} ${request.url} (${what} report ${report.report})`);
    const reply = await callApi(connection, request, answer => replyError(answer, `create a read job on report ${report.report}`, 'read') ??
        (exactIdOf(answer, 'id') === undefined
            ? new ZohoError(`Zoho answered the read job's create with success but no job ID this action can read: ${answer.quoted.body}.`, answer)
            : undefined), context);
    return { ...report, jobId: exactIdOf(reply, 'id') ?? '' };
}
async function fetchReadStatus(connection, job, context) {
    const reply = await callApi(connection, readStatusRequest(connection, job), answer => replyError(answer, "read the read job's status", 'read-status'), context);
    return { reply, ...readReadStatus(reply) };
}
function readReadStatus(reply) {
    const result = [reply.data?.['details'], reply.data?.['data'], reply.data]
        .filter(isRecord)
        .map(holder => holder['result'])
        .find(isRecord);
    const count = wholeNumber(result?.['count']);
    const cursor = result?.['record_cursor'];
    return {
        status: readJobStatus(reply),
        ...(count === undefined ? {} : { count }),
        ...(typeof cursor === 'string' && cursor.trim() !== '' ? { cursor: cursor.trim() } : {})
    };
}
async function downloadReadResult(connection, job, path, context) {
    await downloadApi(connection, readResultRequest(connection, job), path, reply => replyError(reply, `hand over what report ${job.report} holds`, 'read-result') ??
        new ZohoError(`Zoho sent no ZIP for the read of report ${job.report} (HTTP ${reply.httpStatus}): ${reply.quoted.body}.`, reply), context);
}

;// CONCATENATED MODULE: ./src/operations/read-report.ts









const READ_BATCH_RECORDS = 200_000;
const MAX_RECORD_BYTES = 1024 * 1024;
const MAX_BATCHES = 1000;
async function readReport(reading, visit, connection, context) {
    const { report, fields } = reading;
    let query = { fields, maxRecords: READ_BATCH_RECORDS };
    let records = 0;
    for (let batch = 1;; batch++) {
        if (batch > MAX_BATCHES)
            throw new ActionError(`Zoho gave a cursor to a next batch ${MAX_BATCHES} times when reading report ` +
                `${report.report}: the read stops there. Run the step again.`);
        const job = await createReadJob(connection, report, query, context);
        const done = await finished(job, reading.wait, connection, context);
        const path = (0,external_node_path_namespaceObject.join)(reading.dir, `read-${batch}.zip`);
        try {
            await downloadReadResult(connection, job, path, context);
            const most = done.count ?? READ_BATCH_RECORDS;
            const read = await readBatch(path, { fields, most, batch, report: report.report }, visit);
            if (done.count !== undefined && read !== done.count)
                throw new ActionError(`Zoho said batch ${batch} of report ${report.report} holds ${counted(done.count, 'record')}, ` +
                    `and its CSV holds ${read}: the read is not trusted. Run the step again.`);
            records += read;
        }
        finally {
            await (0,external_node_fs_promises_namespaceObject.rm)(path, { force: true });
        }
        if (done.cursor === undefined) {
            context.log(`Read ${counted(records, 'record')} of report ${report.report} in ${counted(batch, 'batch', 'batches')}.`);
            return { records, batches: batch };
        }
        query = { cursor: done.cursor };
    }
}
async function finished(job, wait, connection, context) {
    let last;
    const waited = await waitForJob(wait, context.clock.now() + wait.timeoutMs, {
        readStatus: async () => {
            last = await fetchReadStatus(connection, job, context);
            return last.status;
        },
        isPassing: error => error instanceof RetriesExhaustedError || classify(error).retry,
        clock: context.clock,
        log: line => {
            context.log(`Read of report ${job.report}: ${line}`);
        },
        ...(context.signal === undefined ? {} : { signal: context.signal })
    });
    if (waited.error !== undefined)
        throw waited.error;
    if (waited.end === 'timed-out')
        throw new ActionError(`The read of report ${job.report} did not complete within wait-timeout (it was ` +
            `${describeStatus(waited.status)}): raise wait-timeout, or run the step again later.`);
    if (last === undefined || waited.status?.state !== 'Completed')
        throw new ActionError(`Zoho's read of report ${job.report} ended ${describeStatus(waited.status)}, not Completed: ` +
            'run the step again; if it ends so again, check the report in Creator.');
    return last;
}
async function readBatch(path, { fields, most, batch, report }, visit) {
    const csv = await zipCsv(path);
    if (csv === undefined)
        throw new ActionError(`Zoho's read of report ${report} holds no CSV file: run the step again.`);
    const reader = new CsvReader();
    const decoder = new TextDecoder();
    let columns;
    let records = 0;
    let underWay = 0;
    const drain = () => {
        for (const row of reader.rows) {
            if (row.length === 0)
                continue;
            if (columns === undefined) {
                columns = columnsOf(row, fields, report);
                continue;
            }
            records += 1;
            if (records > most)
                throw new ActionError(`Batch ${batch} of Zoho's read of report ${report} holds more than the ` +
                    `${counted(most, 'record')} it can: the read is not trusted. Run the step again.`);
            visit(columns.map(column => row[column] ?? ''));
        }
    };
    try {
        for await (const chunk of csv) {
            reader.push(decoder.decode(chunk, { stream: true }));
            underWay = reader.rows.length > 0 ? 0 : underWay + chunk.length;
            if (underWay > MAX_RECORD_BYTES)
                throw new LocalFileError(`A record of Zoho's read of report ${report} runs over ${MAX_RECORD_BYTES} bytes: ` +
                    'no record of the fields asked for is that long.');
            drain();
            reader.rows.length = 0;
        }
    }
    finally {
        csv.destroy();
    }
    reader.push(decoder.decode());
    reader.end();
    drain();
    return records;
}
function columnsOf(header, fields, report) {
    const names = header.map(name => name.trim());
    return fields.map(field => {
        const column = names.indexOf(field);
        if (column === -1)
            throw new ActionError(`Zoho's read of report ${report} has no column ${JSON.stringify(field)} (its columns: ` +
                `${names.map(name => JSON.stringify(name)).join(', ')}): check that the report shows that field.`);
        return column;
    });
}

;// CONCATENATED MODULE: ./src/operations/keys.ts






const LISTED = 5;
function keyColumns(columns, key, fileName) {
    const names = columns.map(name => name.trim());
    const missing = key.filter(field => !names.includes(field));
    if (missing.length > 0)
        throw new ActionError(`Input "key": ${missing.map(field => JSON.stringify(field)).join(', ')} ` +
            `${missing.length === 1 ? 'is not a column' : 'are not columns'} of ${fileName}: name ` +
            'the link names of the fields that identify a record, as the header names them. Nothing was sent to Zoho.');
    return key.map(field => names.indexOf(field));
}
function keyOf(values) {
    const trimmed = values.map(value => value.trim());
    if (trimmed.some(value => value === ''))
        return '';
    return trimmed.length === 1 ? (trimmed[0] ?? '') : JSON.stringify(trimmed);
}
function valuesOf(key, fields) {
    return fields === 1 ? [key] : JSON.parse(key);
}
class FileKeys {
    #columns;
    #rows = new KeyTable();
    #empty = [];
    #emptyRows = 0;
    #repeats = [];
    #repeatedRows = 0;
    constructor(columns) {
        this.#columns = columns;
    }
    add(cells, row) {
        const key = keyOf(this.#columns.map(column => cells[column] ?? ''));
        if (key === '') {
            this.#emptyRows += 1;
            if (this.#empty.length < LISTED)
                this.#empty.push(row);
            return;
        }
        const first = this.#rows.add(key, row);
        if (first !== undefined) {
            this.#repeatedRows += 1;
            if (this.#repeats.length < LISTED)
                this.#repeats.push([key, first, row]);
        }
    }
    get keys() {
        return this.#rows;
    }
    problem(fileName) {
        const problems = [];
        if (this.#emptyRows > 0)
            problems.push(`${counted(this.#emptyRows, 'row')} with an empty key (${listed(this.#empty, this.#emptyRows)})`);
        if (this.#repeatedRows > 0) {
            const pairs = this.#repeats.map(([key, first, again]) => `${cutKey(key)} in rows ${first} and ${again}`);
            problems.push(`${counted(this.#repeatedRows, 'row')} repeating the key of an earlier row (${pairs.join('; ')}` +
                `${this.#repeatedRows > this.#repeats.length ? '; …' : ''})`);
        }
        if (problems.length === 0)
            return undefined;
        return (`The key of ${fileName} does not identify each record: ${problems.join(', and ')}. Each ` +
            'record needs a key of its own to be loaded once: fix the rows, or name other key columns.');
    }
}
function listed(rows, count) {
    return `${rows.join(', ')}${count > rows.length ? ', …' : ''}`;
}
function cutKey(key) {
    return JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…` : key);
}
async function keysInZoho(fileKeys, key, reading, connection, context, withIds = false) {
    const found = new KeyTable();
    const ids = [];
    await readReport({ ...reading, fields: withIds ? [...key, 'ID'] : key }, values => {
        const held = keyOf(values.slice(0, key.length));
        if (!fileKeys.has(held) || found.has(held))
            return;
        found.add(held, ids.length);
        if (withIds)
            ids.push(Buffer.from(values[key.length] ?? '').toString());
    }, connection, context);
    return { found, ids };
}
async function checkFileKeys(file, key) {
    const columns = keyColumns(file.columns, key, file.name);
    const keys = new FileKeys(columns);
    await forEachRow(file, (cells, row) => {
        keys.add(cells, row);
    });
    const problem = keys.problem(file.name);
    if (problem !== undefined)
        throw new ActionError(`${problem} Nothing was sent to Zoho.`);
    return { columns, keys: keys.keys };
}
async function filterByKey(file, columns, inZoho, paths) {
    const load = await CsvWriter.create(paths.load);
    let skipped;
    const counts = { load: 0, skipped: 0 };
    try {
        skipped = await CsvWriter.create(paths.skipped);
        const out = { load, skipped };
        for (const writer of [load, skipped])
            writer.row(file.columns);
        const [only] = columns;
        const keyIn = (cells) => columns.length === 1 && only !== undefined
            ? (cells[only] ?? '').trim()
            : keyOf(columns.map(column => cells[column] ?? ''));
        await forEachRow(file, cells => {
            const which = inZoho.has(keyIn(cells)) ? 'skipped' : 'load';
            counts[which] += 1;
            out[which].row(cells);
        }, () => true, async () => {
            await load.flush();
            await skipped?.flush();
        });
    }
    finally {
        await load.close();
        await skipped?.close();
    }
    return counts;
}

;// CONCATENATED MODULE: ./src/operations/lookups.ts










const NO_RECORD = Symbol('no record');
const SEVERAL_RECORDS = Symbol('several records');
class ParentIds {
    #keys = new KeyTable();
    #ids = [];
    get size() {
        return this.#keys.size;
    }
    add(key, id) {
        const trimmed = key.trim();
        if (trimmed === '' || id.trim() === '')
            return;
        const first = this.#keys.add(trimmed, this.#keys.size);
        if (first === undefined)
            this.#ids.push(Buffer.from(id.trim()).toString());
        else if (this.#ids[first] !== id.trim())
            this.#ids[first] = '';
    }
    idOf(key) {
        const at = this.#keys.get(key);
        if (at === undefined)
            return NO_RECORD;
        return this.#ids[at] || SEVERAL_RECORDS;
    }
}
function describeSource(source) {
    return 'report' in source ? `report ${source.report} (${source.field})` : source.idMap;
}
async function lookupColumns(file, lookups) {
    const names = file.columns.map(name => name.trim());
    const missing = lookups.filter(({ column }) => !names.includes(column));
    if (missing.length > 0)
        throw new ActionError(`Input "lookups": ${missing.map(({ column }) => JSON.stringify(column)).join(', ')} ` +
            `${missing.length === 1 ? 'is not a column' : 'are not columns'} of ${file.name}: name ` +
            'the lookup columns as the header names them. Nothing was sent to Zoho.');
    for (const { source } of lookups)
        if ('idMap' in source)
            await readIdMap(source.idMap);
    return lookups.map(({ column }) => names.indexOf(column));
}
function lookupFieldProblems(lookups, fields) {
    return lookups.flatMap(({ column }) => {
        const field = fields.find(({ linkName }) => linkName === column);
        if (field === undefined)
            return [];
        if (field.lookup !== true)
            return [`${JSON.stringify(column)} is in lookups but is no lookup field of the form`];
        if (SEVERAL_IDS_TYPES.has(field.type ?? 0))
            return [
                `${JSON.stringify(column)} is a lookup shown as Multi Select or Checkbox, which takes ` +
                    'several IDs in one cell, in a form Zoho does not document: load it another way'
            ];
        return [];
    });
}
async function readIdMap(path, visit) {
    const fault = (what) => new ActionError(`Input "lookups": ${path} ${what} Nothing was sent to Zoho.`);
    let columns;
    try {
        for await (const row of csvRows(path)) {
            if (row.length === 0)
                continue;
            if (columns === undefined) {
                const names = row.map(name => name.trim());
                const id = names.indexOf('ID');
                if (names.length !== 2 || id === -1)
                    throw fault('is not an id-map.csv: its header must be one key column and ID (got ' +
                        `${cut(names.join(','), 100)}).`);
                columns = [1 - id, id];
                if (visit === undefined)
                    return;
                continue;
            }
            visit?.(row[columns[0]] ?? '', row[columns[1]] ?? '');
        }
    }
    catch (error) {
        if (error instanceof ActionError)
            throw error;
        throw fault(`cannot be read: ${messageOf(error)}.`);
    }
    if (columns === undefined)
        throw fault('is empty: an id-map.csv has a header, key column and ID.');
}
async function* csvRows(path) {
    const reader = new CsvReader();
    const decoder = new TextDecoder();
    const stream = (0,external_node_fs_namespaceObject.createReadStream)(path);
    try {
        for await (const chunk of stream) {
            reader.push(decoder.decode(chunk, { stream: true }));
            const rows = reader.rows.splice(0);
            yield* rows;
        }
    }
    finally {
        stream.destroy();
    }
    reader.push(decoder.decode());
    reader.end();
    yield* reader.rows.splice(0);
}
async function parentIds(source, reading, connection, context) {
    const ids = new ParentIds();
    if ('idMap' in source) {
        await readIdMap(source.idMap, (key, id) => {
            ids.add(key, id);
        });
        return ids;
    }
    const { form, ...rest } = reading;
    const report = { owner: form.owner, app: form.app, report: source.report };
    await readReport({ ...rest, report, fields: ['ID', source.field] }, ([id = '', key = '']) => {
        ids.add(key, id);
    }, connection, context);
    return ids;
}
const FIRST = 5;
const lookups_MAX_VALUE_CHARS = 100;
async function rewriteLookups(file, lookups, paths, keepRejected) {
    const stages = lookups.map(ready => ({
        ...ready,
        counts: {
            column: ready.lookup.column,
            source: ready.lookup.source,
            replaced: 0,
            none: 0,
            several: 0,
            first: []
        }
    }));
    const outs = [];
    let badRows = 0;
    let kept = 0;
    try {
        const problems = await CsvWriter.create(paths.problems);
        outs.push(problems);
        const keep = await CsvWriter.create(paths.sorting.kept);
        outs.push(keep);
        const rejected = keepRejected ? await CsvWriter.create(paths.sorting.rejected) : undefined;
        if (rejected !== undefined)
            outs.push(rejected);
        problems.row(PROBLEMS_HEADER);
        keep.row(file.columns);
        rejected?.row(file.columns);
        const resolved = (cells, row) => {
            let out = [...cells];
            for (const { lookup, index, ids, counts } of stages) {
                const value = (cells[index] ?? '').trim();
                if (value === '')
                    continue;
                const id = ids.idOf(value);
                if (typeof id === 'string') {
                    if (out !== undefined)
                        out[index] = id;
                    counts.replaced += 1;
                    continue;
                }
                out = undefined;
                const none = id === NO_RECORD;
                counts[none ? 'none' : 'several'] += 1;
                if (counts.first.length < FIRST)
                    counts.first.push([row, value]);
                const what = none ? 'matches no record of' : 'matches more than one record of';
                problems.row([
                    String(row),
                    lookup.column,
                    cut(value, lookups_MAX_VALUE_CHARS, ''),
                    `${what} ${describeSource(lookup.source)}`
                ]);
            }
            return out;
        };
        let next = 2;
        await forEachRow(file, (cells, row) => {
            for (; next < row; next++)
                keep.row([]);
            next = row + 1;
            const out = resolved(cells, row);
            if (out === undefined) {
                badRows += 1;
                rejected?.row(cells);
                keep.row([]);
            }
            else {
                kept += 1;
                keep.row(out);
            }
        }, () => true, async () => {
            for (const out of outs)
                await out.flush();
        });
    }
    catch (error) {
        if (error instanceof ActionError)
            throw error;
        throw new LocalFileError(`The copy of ${file.name} with lookups resolved: ${messageOf(error)}`);
    }
    finally {
        for (const out of outs)
            await out.close();
    }
    return { badRows, columns: stages.map(({ counts }) => counts), kept };
}
function describeUnresolved(report, fileName) {
    const { badRows, columns } = report;
    const unresolved = columns.filter(({ none, several }) => none + several > 0);
    return (`${counted(badRows, 'row')} of ${fileName} ${badRows === 1 ? 'holds' : 'hold'} a lookup value ` +
        `that matches no record, or more than one: ${unresolved.map(describeColumn).join('; ')}. ` +
        'problems.csv in result-dir lists each.');
}
function describeColumn({ column, source, none, several, first }) {
    const parts = [
        ...(none > 0 ? [`${counted(none, 'value')} matching no record`] : []),
        ...(several > 0 ? [`${counted(several, 'value')} matching more than one`] : [])
    ];
    const rows = first.map(([row, value]) => `row ${row} ${JSON.stringify(cut(value, 40))}`);
    const more = none + several > first.length ? ', …' : '';
    return `${JSON.stringify(column)} (${describeSource(source)}): ${parts.join(' and ')} (${rows.join(', ')}${more})`;
}

;// CONCATENATED MODULE: ./src/operations/create.ts





const MAY_EXIST = 'A job may exist all the same, and it blocks the form (one active job per form) until it ' +
    'expires, 3 hours after its creation when it is never started: abort it in Creator, or wait, ' +
    'before you run the step again.';
async function createJob(form, connection, context) {
    const request = createJobRequest(connection, form);
    context.log(`${request.method} ${request.url} (create a job)`);
    const failures = [];
    let reply;
    try {
        reply = await callApi(connection, request, reply => replyError(reply, 'create the job', 'create') ?? withoutJobId(reply), context, {
            onFailure: error => failures.push(error),
            classify: error => (mayHaveApplied(error) ? { retry: false } : classify(error))
        });
    }
    catch (error) {
        if (error instanceof ActionError && failures.some(mayHaveApplied))
            throw new ActionError(`${error.message} The create may have reached Zoho: ${MAY_EXIST}`);
        throw error;
    }
    return { jobId: exactIdOf(reply, 'job_id') ?? '', reply };
}
function withoutJobId(reply) {
    if (exactIdOf(reply, 'job_id') !== undefined)
        return undefined;
    return new ZohoError(`Zoho answered the create with success but no job ID this action can read: ${reply.quoted.body}. ${MAY_EXIST}`, reply);
}

;// CONCATENATED MODULE: ./src/operations/follow.ts








const PREVIEW_ROWS = 20;
const FAILED_ROWS_FILE = 'failure.zip in result-dir';
const LAST_READ_GRACE_MS = 3000;
async function followJob(job, action, wait, connection, context) {
    const deadline = context.clock.now() + wait.timeoutMs;
    const reads = { ...context, deadline: deadline + LAST_READ_GRACE_MS };
    let reply;
    const waited = await waitForJob(wait, deadline, {
        readStatus: async () => {
            const read = await fetchJobStatus(connection, job, reads);
            reply = read.reply;
            return read.status;
        },
        isPassing: error => error instanceof RetriesExhaustedError || classify(error).retry,
        clock: context.clock,
        log: context.log,
        ...(context.signal === undefined ? {} : { signal: context.signal })
    });
    const wanted = waited.end === 'finished' ? wait.downloads.filter(filter => mayExist(filter, waited)) : [];
    const results = {
        ...(await collectResults(wanted, wait.resultRoot, job, connection, context)),
        ...(reply === undefined ? {} : { reply })
    };
    if (results.cancelled !== undefined) {
        const { cancelled } = results;
        return {
            ...results,
            wait: { ...waited, end: 'cancelled', error: cancelled },
            failure: `${cancelled.message} The job had ended ${describeStatus(waited.status)}; its result files were not all downloaded.`
        };
    }
    const failure = jobFailure(waited, action, wait);
    const passed = failedButPassed(waited.status, wait.failOnFailedRecords);
    const warnings = passed === undefined
        ? results.warnings
        : [
            ...results.warnings,
            `${passed}: see ${FAILED_ROWS_FILE} and the job summary for their rows and Zoho's reasons.`
        ];
    return {
        ...results,
        warnings,
        wait: waited,
        ...(failure === undefined ? {} : { failure })
    };
}
async function collectResults(filters, root, job, connection, context) {
    if (filters.length === 0)
        return { warnings: [] };
    let resultDir;
    try {
        resultDir = await (0,external_node_fs_promises_namespaceObject.mkdtemp)((0,external_node_path_namespaceObject.join)(root, 'zoho-bulk-results-'));
    }
    catch (error) {
        const warning = `No result files: a folder for them could not be made under ${root}: ${messageOf(error)}.`;
        return { warnings: [warning] };
    }
    let files;
    try {
        files = await downloadResults(filters, resultDir, job, connection, context);
    }
    catch (error) {
        await (0,external_node_fs_promises_namespaceObject.rm)(resultDir, { recursive: true, force: true });
        if (!(error instanceof CancelledError))
            throw error;
        return { warnings: [], cancelled: error };
    }
    const warnings = files.flatMap(file => (file.warning === undefined ? [] : [file.warning]));
    const saved = files.some(file => file.path !== undefined);
    if (!saved)
        await (0,external_node_fs_promises_namespaceObject.rm)(resultDir, { recursive: true, force: true });
    const failurePath = files.find(file => file.filter === 'failure')?.path;
    const preview = failurePath === undefined ? undefined : await readPreview(failurePath, warnings);
    return {
        ...(saved ? { resultDir } : {}),
        ...(preview === undefined ? {} : { preview }),
        warnings
    };
}
const COUNT_OF = {
    success: 'success',
    failure: 'failed',
    unprocessed: 'unprocessed'
};
function mayExist(filter, waited) {
    return waited.status?.records[COUNT_OF[filter]] !== 0;
}
async function readPreview(path, warnings) {
    try {
        return await previewCsv(path, PREVIEW_ROWS);
    }
    catch (error) {
        if (error instanceof ActionError)
            warnings.push(error.message);
        else
            throw error;
        return undefined;
    }
}
const ENDINGS = {
    Failed: 'Zoho could not process the file.',
    'System Aborted': 'Zoho aborts a job when over 5% of its batches of 200 records fail.',
    Expired: 'A job expires when it is not started within 3 hours of its creation.',
    'User Aborted': 'Someone aborted it.',
    Aborted: 'Someone aborted it.'
};
function jobFailure(waited, action, wait) {
    const { status } = waited;
    const last = `it was last ${describeStatus(status)}`;
    switch (waited.end) {
        case 'timed-out':
            return (`The job did not finish within ${wait.timeoutMs / 1000} s (wait-timeout); ${last}. ` +
                'The job goes on in Zoho.');
        case 'cancelled':
            return `The step was cancelled while waiting for the job; ${last}.`;
        case 'failed':
            return `The wait for the job ended: ${waited.error?.message ?? 'a status read failed'} (${last}).`;
    }
    const state = status?.state;
    if (action === 'abort' &&
        state !== undefined &&
        (ABORTED_STATES.has(state) || state === 'Completed')) {
        return undefined;
    }
    if (state !== 'Completed') {
        const why = state === undefined ? undefined : ENDINGS[state];
        return `The job ended ${describeStatus(status)}.${why === undefined ? '' : ` ${why}`}`;
    }
    const failed = status?.records.failed ?? 0;
    const total = status?.records.total;
    if (failed > 0 && wait.failOnFailedRecords) {
        return (`The job completed, but ${failed} of ${total === undefined ? 'its records' : counted(total, 'record')} failed: see ` +
            `${FAILED_ROWS_FILE} and the job summary, or set fail-on-failed-records: false.`);
    }
    return undefined;
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/http/multipart.ts



const PIECE_BYTES = 256 * 1024;
function multipartFile(part) {
    const boundary = `zoho-bulk-action-${(0,external_node_crypto_namespaceObject.randomBytes)(16).toString('hex')}`;
    const head = Buffer.from(`--${boundary}\r\n` +
        `Content-Disposition: form-data; name="${quoted(part.field)}"; filename="${quoted(part.fileName)}"\r\n` +
        `Content-Type: ${part.contentType}\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    return {
        contentType: `multipart/form-data; boundary=${boundary}`,
        body: {
            length: head.length + part.size + tail.length,
            open: () => pieces(head, part, tail)
        }
    };
}
async function* pieces(head, part, tail) {
    yield head;
    const file = await (0,external_node_fs_promises_namespaceObject.open)(part.path, 'r');
    let size = 0;
    try {
        const buffers = [Buffer.allocUnsafe(PIECE_BYTES), Buffer.allocUnsafe(PIECE_BYTES)];
        for (let turn = 0;; turn ^= 1) {
            const buffer = buffers[turn] ?? Buffer.alloc(0);
            const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
            if (bytesRead === 0)
                break;
            size += bytesRead;
            yield buffer.subarray(0, bytesRead);
        }
    }
    finally {
        await file.close();
    }
    if (size !== part.size) {
        throw new LocalFileError(`${part.path} changed while it was being uploaded (${part.size} bytes before, ${size} now).`);
    }
    yield tail;
}
function quoted(name) {
    return name.replace(/["\r\n]/g, char => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

;// CONCATENATED MODULE: ./src/operations/upload.ts







const BYTES_PER_EXTRA_MS = (1024 * 1024) / 1000;
const uploadTimeoutMs = (timeoutMs, bytes) => timeoutMs + bytes / BYTES_PER_EXTRA_MS;
async function uploadJobFile(job, file, connection, context) {
    const multipart = multipartFile({
        field: 'file',
        path: file.path,
        fileName: file.name,
        size: file.size,
        contentType: file.kind === 'zip' ? 'application/zip' : 'text/csv'
    });
    const uploading = { ...context, timeoutMs: uploadTimeoutMs(context.timeoutMs, file.size) };
    const startedMs = context.clock.now();
    const attempt = async (urlForm) => {
        const request = uploadRequest(connection, job, multipart, urlForm);
        context.log(`${request.method} ${request.url} (upload ${file.name}, ${file.size} bytes)`);
        const failures = [];
        const done = (reply, warning) => ({
            reply,
            bytes: file.size,
            ms: context.clock.now() - startedMs,
            urlForm,
            ...(warning === undefined ? {} : { warning })
        });
        try {
            const reply = await callApi(connection, request, reply => replyError(reply, 'take the file', 'upload'), uploading, { onFailure: error => failures.push(error) });
            return done(reply);
        }
        catch (error) {
            const reply = replyBehind(error);
            if (reply?.code !== FILE_EXISTS_CODE || !failures.some(mayHaveApplied))
                throw error;
            return done(reply, 'An earlier attempt to upload the file reached Zoho although its answer was lost: Zoho ' +
                'then said the job already has its file (code 11070), so the upload is done.');
        }
    };
    try {
        const upload = await attempt('path');
        context.debug?.('Zoho took the file at the job URL (…/insert/<job-id>).');
        return upload;
    }
    catch (error) {
        if (!(error instanceof ZohoError) || !unknownUrl(error.reply))
            throw error;
        context.log(`Zoho does not know the job URL for uploads (${error.message}); trying the form Zoho's sample shows, …/insert?job_id=<job-id>.`);
        const upload = await attempt('query');
        context.debug?.('Zoho took the file at the query URL (…/insert?job_id=<job-id>).');
        return upload;
    }
}
function unknownUrl(reply) {
    return reply.httpStatus === 404 && (reply.data === undefined || reply.code === UNKNOWN_URL_CODE);
}

;// CONCATENATED MODULE: ./src/job-operations.ts
























async function openJobRun(settings, record, secrets, signal) {
    const { connection, context } = connect(settings, secrets, record, signal);
    const held = new HeldJob();
    const run = { held, connection, context, secrets, record };
    if ('jobId' in settings)
        held.take({ ...settings.form, jobId: settings.jobId });
    switch (settings.action) {
        case 'upload':
            return { ...run, settings, file: await openFile(settings, context) };
        case 'load': {
            const file = await openFile(settings, context);
            await lookupColumns(file, settings.lookups);
            if (settings.key === undefined)
                return { ...run, settings, file };
            return { ...run, settings, file, keyed: await checkFileKeys(file, settings.key.fields) };
        }
        default:
            return { ...run, settings, file: undefined };
    }
}
async function openFile(settings, context) {
    const { dialect, copyRoot } = settings;
    const file = await checkJobFile(settings.file, {
        dialect,
        copyRoot,
        splittable: settings.action === 'load'
    });
    if (file.copyOf !== undefined) {
        context.log(`${(0,external_node_path_namespaceObject.basename)(file.copyOf)} is ${describeDialect(file.dialect)}: sending a copy in UTF-8 ` +
            'with commas, as Zoho reads.');
    }
    return file;
}
function connect(settings, secrets, counters, signal) {
    const context = {
        policy: settings.retry,
        timeoutMs: settings.timeoutMs,
        clock: systemClock,
        calls: counters.calls,
        log: line => {
            info(logLine(secrets.redact(line)));
        },
        debug: line => {
            core_debug(logLine(secrets.redact(line)));
        },
        redact: text => secrets.redact(text),
        signal
    };
    const connection = {
        apiBaseUrl: settings.apiBaseUrl,
        environment: settings.environment,
        tokens: accessTokens(settings.auth, settings.dataCentre, secrets, counters.mints)
    };
    return { connection, context };
}
function jobOf(run) {
    const { job } = run.held;
    if (job === undefined)
        throw new Error('No job yet: a step that needs one ran before create.');
    return job;
}
const checkHeader = async (run) => {
    const { settings, file, connection, context, record } = run;
    if (settings.checkValues)
        return checkValues(run);
    if (!settings.checkHeader)
        return;
    const checked = await reporting(run, checkFileHeader(file, settings.form, connection, context, nothingSent(settings)));
    record.events.push(['Header checked', checked.summary]);
};
const nothingSent = ({ action }) => action === 'load' ? 'No job was created.' : 'Nothing was uploaded.';
async function checkValues(run) {
    const { settings, file, connection, context, record, secrets } = run;
    const nothingDone = nothingSent(settings);
    const write = { what: 'The files of check-values', nothingDone };
    const shared = record.checkDir;
    const dir = shared ?? (await folderUnder(settings.copyRoot, 'zoho-bulk-check-', write));
    const keptDir = settings.badRows === 'skip'
        ? await folderUnder(settings.copyRoot, 'zoho-bulk-kept-', write)
        : undefined;
    const kept = (0,external_node_path_namespaceObject.join)(keptDir ?? dir, `${stemOf(file.name)}.csv`);
    const sorting = keptDir === undefined ? {} : { sorting: { kept, rejected: (0,external_node_path_namespaceObject.join)(dir, 'rejected.csv') } };
    let replaced = false;
    try {
        const { summary, values } = await reporting(run, checkFileHeader(file, settings.form, connection, context, nothingDone, {
            problems: (0,external_node_path_namespaceObject.join)(dir, 'problems.csv'),
            ...sorting,
            append: shared !== undefined
        }));
        record.events.push(['Values checked', summary]);
        const rejected = (values?.rows ?? 0) + (record.lookups?.rejected ?? 0);
        setOutput('rejected-records', String(rejected));
        if (values === undefined || values.rows === 0)
            return;
        record.values = values;
        record.checkDir = dir;
        setOutput('result-dir', dir);
        for (const kind of values.kinds)
            context.log(`${file.name}: ${describeKind(kind)}.`);
        const found = badRowsFound(file.name, values);
        if (keptDir === undefined || values.rows >= file.measure.records) {
            const all = keptDir === undefined ? '' : ' Every row has one: nothing is left to load.';
            throw new ActionError(`${found}${all} ${nothingDone} Fix the rows, or set check-values: false to skip the check.`);
        }
        core_warning(secrets.redact(`${found} They are left out, as bad-rows: skip asks: rejected.csv in result-dir holds them.`));
        const rows = await checkJobFile(kept, {
            dialect: ZOHO_DIALECT,
            copyRoot: settings.copyRoot,
            splittable: settings.action === 'load'
        });
        record.events.push(['Rows left out', `${values.rows}: rejected.csv in result-dir`]);
        run.file = { ...rows, name: file.name, copyOf: file.copyOf ?? file.path };
        replaced = true;
        await discardCopy(file);
    }
    finally {
        if (record.values === undefined && shared === undefined)
            await (0,external_node_fs_promises_namespaceObject.rm)(dir, { recursive: true, force: true });
        if (keptDir !== undefined && !replaced)
            await (0,external_node_fs_promises_namespaceObject.rm)(keptDir, { recursive: true, force: true });
    }
}
const resolveLookups = async (run) => {
    const { settings, file, connection, context, record, secrets } = run;
    const { lookups, form } = settings;
    if (lookups.length === 0)
        return;
    const nothingDone = nothingSent(settings);
    if (settings.checkHeader || settings.checkValues) {
        const fields = await reporting(run, fetchFormFields(connection, form, context));
        const problems = lookupFieldProblems(lookups, fields);
        if (problems.length > 0)
            throw new ActionError(`The lookups of ${file.name} do not fit the form ${form.form}: ${problems.join('; ')}. ` +
                `${nothingDone} Fix lookups.`);
    }
    const write = { what: `The copy of ${file.name} with lookups resolved`, nothingDone };
    const workDir = await folderUnder(settings.copyRoot, 'zoho-bulk-lookups-', write);
    const dir = await folderUnder(settings.copyRoot, 'zoho-bulk-check-', write);
    let replaced = false;
    try {
        const names = file.columns.map(name => name.trim());
        const ready = [];
        for (const lookup of lookups) {
            const reading = { form, dir: workDir, wait: settings.wait };
            const ids = await reporting(run, parentIds(lookup.source, reading, connection, context));
            ready.push({ lookup, index: names.indexOf(lookup.column), ids });
            context.log(`Lookup ${lookup.column}: ${counted(ids.size, 'key')} of ${describeSource(lookup.source)}.`);
        }
        const skip = settings.badRows === 'skip';
        const kept = (0,external_node_path_namespaceObject.join)(workDir, `${stemOf(file.name)}.csv`);
        const sorting = { kept, rejected: (0,external_node_path_namespaceObject.join)(dir, 'rejected.csv') };
        const rewrite = await rewriteLookups(file, ready, { problems: (0,external_node_path_namespaceObject.join)(dir, 'problems.csv'), sorting }, skip);
        const values = rewrite.columns.reduce((sum, column) => sum + column.replaced, 0);
        record.events.push([
            'Lookups resolved',
            `${counted(values, 'value')} of ${file.name} replaced by Zoho IDs` +
                (rewrite.badRows > 0 ? `; ${counted(rewrite.badRows, 'row')} with a value unmatched` : '')
        ]);
        context.log(`Lookups: ${counted(values, 'value')} of ${rewrite.columns.map(({ column }) => column).join(', ')} ` +
            `replaced by Zoho IDs${settings.dryRun ? ' (the dry run would load them so)' : ''}.`);
        if (rewrite.badRows > 0) {
            record.checkDir = dir;
            setOutput('result-dir', dir);
            const found = describeUnresolved(rewrite, file.name);
            if (!skip || rewrite.kept === 0) {
                const all = skip ? ' Every row has one: nothing is left to load.' : '';
                throw new ActionError(`${found}${all} ${nothingDone} Load the related records first (their keys must be in the ` +
                    'report or the id-map), fix the rows, or set bad-rows: skip to leave them out.');
            }
            core_warning(secrets.redact(`${found} They are left out, as bad-rows: skip asks: rejected.csv in result-dir holds them.`));
            record.lookups = { rejected: rewrite.badRows };
            setOutput('rejected-records', String(rewrite.badRows));
            record.events.push(['Rows left out', `${rewrite.badRows}: rejected.csv in result-dir`]);
        }
        const rows = await checkJobFile(kept, {
            dialect: ZOHO_DIALECT,
            copyRoot: settings.copyRoot,
            splittable: true
        });
        run.file = { ...rows, name: file.name, copyOf: file.copyOf ?? file.path };
        replaced = true;
    }
    finally {
        if (record.checkDir !== dir)
            await (0,external_node_fs_promises_namespaceObject.rm)(dir, { recursive: true, force: true });
        if (!replaced)
            await (0,external_node_fs_promises_namespaceObject.rm)(workDir, { recursive: true, force: true });
    }
};
async function keepCheckFiles(record) {
    const { checkDir } = record;
    const jobDir = record.resultDir ?? record.job?.resultDir;
    if (checkDir === undefined || jobDir === undefined)
        return;
    for (const name of await (0,external_node_fs_promises_namespaceObject.readdir)(checkDir))
        await (0,external_node_fs_promises_namespaceObject.rename)((0,external_node_path_namespaceObject.join)(checkDir, name), (0,external_node_path_namespaceObject.join)(jobDir, name));
    await (0,external_node_fs_promises_namespaceObject.rm)(checkDir, { recursive: true, force: true });
    delete record.checkDir;
    setOutput('result-dir', jobDir);
}
function badRowsFound(name, values) {
    return (`${counted(values.rows, 'row')} of ${name} ${values.rows === 1 ? 'holds' : 'hold'} ` +
        `values the form would refuse: ${values.kinds.slice(0, 5).map(describeKind).join('; ')}` +
        `${values.kinds.length > 5 ? '; and more' : ''}. problems.csv in result-dir lists each.`);
}
const create = async (run) => {
    const { settings, connection, context, record, secrets } = run;
    const created = await reporting(run, createJob(settings.form, connection, context));
    if (settings.maskJobId)
        secrets.add(created.jobId);
    record.jobId = created.jobId;
    run.held.take({ ...settings.form, jobId: created.jobId }, { onFailure: CREATED_NOT_STARTED, onCancel: CREATED_NOT_STARTED });
    const shown = jobIdForLog(created.jobId, settings.maskJobId);
    record.events.push(['Created', `job ${shown}`]);
    setOutput('job-id', created.jobId);
    answered(run, { reply: created.reply, error: undefined });
    context.log(`Created job ${shown}.`);
};
const upload = async (run) => {
    const { file, connection, context, record, secrets } = run;
    const sent = await reporting(run, uploadJobFile(jobOf(run), file, connection, context));
    answered(run, { reply: sent.reply, error: undefined });
    if (sent.warning !== undefined)
        core_warning(secrets.redact(sent.warning));
    const { blankRows } = file.measure;
    if (blankRows > 0) {
        core_warning(secrets.redact(`${file.name} holds ${counted(blankRows, 'blank row')} among its records, sent as they ` +
            'are: Zoho may count them as records. A load leaves them out.'));
    }
    record.events.push([
        'Uploaded',
        `${file.name}: ${file.size} bytes in ${(sent.ms / 1000).toFixed(1)} s`
    ]);
};
const start = async (run) => startOrAbortJob(run, 'start');
const abort = async (run) => startOrAbortJob(run, 'abort');
async function startOrAbortJob(run, action) {
    const { connection, context, record, settings, held } = run;
    const watched = action === 'start' && settings.wait !== undefined && settings.abortOnCancel;
    const onCancel = watched ? { onCancel: CANCELLED_WHILE_RUNNING } : {};
    if (action === 'start' && settings.action === 'load')
        held.claim({ onFailure: START_FAILED, ...onCancel });
    else if (action === 'start')
        held.claim(onCancel);
    if (action === 'start')
        held.starting();
    const outcome = await startOrAbort(jobOf(run), action, connection, context);
    answered(run, outcome);
    if (outcome.error !== undefined)
        throw outcome.error;
    if (action === 'start') {
        held.running();
        held.claim(onCancel);
    }
    record.events.push([action === 'start' ? 'Started' : 'Aborted', outcome.reply?.message ?? '']);
    if (outcome.warning === undefined)
        context.log(`Zoho answered code ${outcome.reply?.code}: ${outcome.reply?.message ?? ''}`);
}
const readStatus = async (run) => {
    const { connection, context, record, settings } = run;
    const read = await reporting(run, fetchJobStatus(connection, jobOf(run), context));
    record.status = read.status;
    answered(run, { reply: read.reply, error: undefined, status: read.status });
    if (settings.wait === undefined)
        context.log(`The job is ${describeStatus(read.status)}.`);
};
const follow = async (run) => {
    const { settings, connection, context, record, secrets } = run;
    if (settings.wait === undefined)
        return;
    const action = settings.action === 'abort' ? 'abort' : 'start';
    const job = (record.job = await followJob(jobOf(run), action, settings.wait, connection, context));
    const final = job.wait.status?.state;
    if (final !== undefined && FINAL_STATES.has(final))
        run.held.ended();
    else
        run.held.running();
    answered(run, { reply: job.reply, error: undefined, ...statusOf(job.wait) });
    reportJob(job, secrets);
    const state = job.wait.status === undefined ? undefined : job.wait.status.raw;
    record.events.push(['Waited', `${job.wait.end}${state === undefined ? '' : `: ${state}`}`]);
    if (job.failure === undefined)
        return;
    throw job.wait.end === 'cancelled'
        ? new CancelledError(job.failure)
        : new ActionError(job.failure);
};
const statusOf = ({ status }) => status === undefined ? {} : { status };
async function reporting(run, operation) {
    try {
        return await operation;
    }
    catch (error) {
        answered(run, { reply: replyBehind(error), error: undefined });
        throw error;
    }
}
function answered(run, outcome) {
    if (outcome.reply !== undefined)
        run.record.reply = outcome.reply;
    reportOutcome(outcome, run.secrets);
}

;// CONCATENATED MODULE: ./src/load.ts


















const AFTER_CREATE = [upload, start, follow];
const load = async (run) => {
    try {
        await loadFile(run);
    }
    catch (error) {
        throw run.settings.key === undefined ? error : runAgain(error);
    }
};
const RUN_AGAIN = 'run the same step again';
function runAgain(error) {
    if (!(error instanceof ActionError) || error.message.includes(RUN_AGAIN))
        return error;
    return withNote(error, `To load the records Zoho does not hold, ${RUN_AGAIN} (its key leaves out those it holds; ` +
        'wait first for a job of this form that still runs).');
}
async function loadFile(run) {
    await loadRecords(run);
    const { key } = run.settings;
    if (key?.idMap === true && run.keyed !== undefined)
        await writeIdMap(run, key, run.keyed);
}
async function loadRecords(run) {
    const { settings, keyed } = run;
    const key = settings.key;
    if (key !== undefined && keyed !== undefined) {
        const { file, context } = run;
        const { form, copyRoot, wait } = settings;
        const read = { file, key, keyed, form, copyRoot, wait };
        const before = await leaveOutKeysInZoho(read, run);
        if (before.left === undefined) {
            context.log(`All ${counted(before.skipped, 'record')} of ${file.name} are in Zoho already: nothing ` +
                'to load, and no job was created.');
            return;
        }
        await discardCopy(before.left);
        await create(run);
        const { left, skipped } = await leaveOutKeysInZoho(read, run);
        if (left === undefined) {
            await nothingToLoad(run, skipped);
            return;
        }
        await discardCopy(run.file);
        run.file = left;
    }
    const created = key !== undefined;
    const measured = partsNeeded(run.file, settings.parts);
    if (measured === undefined) {
        for (const step of created ? AFTER_CREATE : [create, ...AFTER_CREATE])
            await step(run);
    }
    else
        await loadInParts(run, run.file, measured, created);
}
async function writeIdMap(run, key, keyed) {
    const { settings, connection, context, record, file } = run;
    const write = { what: `The id-map of ${file.name}`, nothingDone: 'The load itself is done.' };
    const dir = record.resultDir ??
        record.job?.resultDir ??
        (record.checkDir ??= await folderUnder(settings.wait.resultRoot, 'zoho-bulk-check-', write));
    const reading = { report: { ...settings.form, report: key.report }, dir, wait: settings.wait };
    const { found, ids } = await keysInZoho(keyed.keys, key.fields, reading, connection, context, true);
    const path = (0,external_node_path_namespaceObject.join)(dir, 'id-map.csv');
    const map = await CsvWriter.create(path);
    try {
        map.row([...key.fields, 'ID']);
        for (const held of keyed.keys.keys()) {
            const at = found.get(held);
            if (at !== undefined)
                map.row([...valuesOf(held, key.fields.length), ids[at] ?? '']);
        }
    }
    finally {
        await map.close();
    }
    setOutput('result-dir', dir);
    setOutput('id-map', path);
    record.events.push(['ID map', `${counted(found.size, 'record')} of ${file.name}: id-map.csv`]);
    context.log(`id-map.csv in result-dir maps ${counted(found.size, 'key')} of ${file.name} to Zoho IDs` +
        `${found.size < keyed.keys.size ? ` (${keyed.keys.size - found.size} not in Zoho)` : ''}.`);
}
async function leaveOutKeysInZoho({ file, key, keyed, form, copyRoot, wait }, { connection, context, record }) {
    const write = { what: `The records of ${file.name} to load`, nothingDone: '' };
    const dir = await folderUnder(copyRoot, 'zoho-bulk-keyed-', write);
    const copy = (0,external_node_path_namespaceObject.join)(dir, `${stemOf(file.name)}.csv`);
    let kept = false;
    try {
        const reading = { report: { ...form, report: key.report }, dir, wait };
        const { found } = await keysInZoho(keyed.keys, key.fields, reading, connection, context);
        const ownDir = record.checkDir === undefined;
        const out = (record.checkDir ??= await folderUnder(wait.resultRoot, 'zoho-bulk-check-', write));
        const skippedCsv = (0,external_node_path_namespaceObject.join)(out, 'skipped.csv');
        const counts = await filterByKey(file, keyed.columns, found, {
            load: copy,
            skipped: skippedCsv
        });
        record.keyed = { skipped: counts.skipped, toLoad: counts.load };
        setOutput('skipped-records', String(counts.skipped));
        record.events.push([
            'Keys read',
            `${found.size} of ${counted(keyed.keys.size, 'key')} of ${file.name} in Zoho (report ${key.report})`
        ]);
        if (counts.skipped === 0) {
            await (0,external_node_fs_promises_namespaceObject.rm)(ownDir ? out : skippedCsv, { recursive: true, force: true });
            if (ownDir)
                delete record.checkDir;
        }
        else {
            setOutput('result-dir', out);
            context.log(`${counted(counts.skipped, 'record')} of ${file.name} ${counts.skipped === 1 ? 'is' : 'are'} ` +
                'in Zoho already, left out: skipped.csv in result-dir holds them.');
        }
        if (counts.load === 0)
            return { skipped: counts.skipped };
        const left = await checkJobFile(copy, { dialect: ZOHO_DIALECT, copyRoot, splittable: true });
        kept = true;
        return {
            left: { ...left, name: file.name, copyOf: file.copyOf ?? file.path },
            skipped: counts.skipped
        };
    }
    finally {
        if (!kept)
            await (0,external_node_fs_promises_namespaceObject.rm)(dir, { recursive: true, force: true });
    }
}
async function nothingToLoad(run, skipped) {
    const { held, connection, context, record, file } = run;
    const why = 'nothing is left to load';
    const { aborted, note } = await abortJob(jobOf(run), why, connection, context);
    const all = `All ${counted(skipped, 'record')} of ${file.name} are in Zoho already: nothing to load.`;
    if (!aborted) {
        held.release();
        throw new ActionError(`${all} ${note}`);
    }
    held.ended();
    record.events.push(['Aborted', `as ${why}`]);
    context.log(`${all} ${note}`);
}
function resume(run, records) {
    return run.settings.key === undefined
        ? `run again with skip-records: ${records}`
        : `${RUN_AGAIN} (its key leaves out the records Zoho holds)`;
}
function partsNeeded({ size, measure }, { maxRecords, skipRecords }) {
    const split = size > MAX_FILE_BYTES || skipRecords > 0 || measure.blankRows > 0;
    return split || measure.records > (maxRecords ?? Number.POSITIVE_INFINITY) ? measure : undefined;
}
async function loadInParts(run, file, measured, created) {
    const { settings, record, context } = run;
    const { wait } = settings;
    const write = partsOf(file, created);
    const dir = await folderUnder(wait.resultRoot, 'zoho-bulk-parts-', write);
    try {
        const limits = { ...settings.parts, bytes: measured.bytes };
        const parts = await splitFile(file, dir, limits, context.signal, write);
        context.log(`${file.name}: ${counted(parts.reduce((sum, part) => sum + part.records, 0), 'record')} to load, in ${counted(parts.length, 'part')}.`);
        const results = new MergedResults(wait.resultRoot);
        const reports = (record.parts = parts.map(({ index, firstRow, lastRow, records }) => ({ index, firstRow, lastRow, records })));
        let loaded = settings.parts.skipRecords;
        for (const [at, part] of parts.entries()) {
            const report = reports[at];
            context.log(`Part ${part.index}: rows ${part.firstRow} to ${part.lastRow} of ${file.name} ` +
                `(${counted(part.records, 'record')}, ${part.bytes} bytes).`);
            report.tried = true;
            try {
                await loadPart(run, part, report, created && at === 0);
                keepOutcome(report, record);
            }
            catch (error) {
                keepOutcome(report, record);
                throw stopped(error, run, { file, part: report, loaded, parts: parts.length });
            }
            finally {
                await results.add(record, report);
                sumUp(run, reports);
            }
            loaded += part.records;
        }
    }
    finally {
        await (0,external_node_fs_promises_namespaceObject.rm)(dir, { recursive: true, force: true });
    }
}
const partsOf = (file, created) => ({
    what: `The parts of ${file.name}`,
    nothingDone: created ? '' : 'No job was created.'
});
async function splitFile(file, dir, limits, signal, write) {
    const stem = stemOf(file.name);
    const parts = [];
    try {
        for await (const part of splitCsv(csvSource(file), stem, dir, {
            ...limits,
            maxBytes: MAX_FILE_BYTES
        })) {
            if (signal?.aborted === true)
                throw cancelReason(signal);
            parts.push(part);
        }
    }
    catch (error) {
        if (error instanceof LocalFileError)
            throw new ActionError(`${file.name} cannot be loaded: ${error.message} ${write.nothingDone}`.trim());
        if (!(error instanceof ActionError))
            throw noRoomUnder((0,external_node_path_namespaceObject.dirname)(dir), write, error);
        throw error;
    }
    if (parts.length === 0) {
        throw new ActionError(`${file.name} has no records to load after the ${limits.skipRecords} skipped.`);
    }
    return parts;
}
function stopped(error, run, stop) {
    if (!(error instanceof ActionError))
        return error;
    const { file, part, loaded } = stop;
    const after = loaded + part.records;
    const last = part.index === stop.parts;
    const where = `The load stopped at part ${part.index} of ${file.name} (rows ${part.firstRow} to ` +
        `${part.lastRow}).`;
    if (completed(part)) {
        const failed = part.status?.records.failed ?? 0;
        const text = error instanceof CancelledError
            ? error.message
            : `Part ${part.index} completed, but ${failed} of its ${counted(part.records, 'record')} ` +
                'failed: see failure.csv in result-dir and the job summary, or set ' +
                'fail-on-failed-records: false.';
        const next = last
            ? `Every part of ${file.name} was loaded: there is nothing left to resume.`
            : `${where} To load the rest of the file, ${resume(run, after)}.`;
        return withNote(error instanceof CancelledError ? error : new ActionError(text), next);
    }
    const { held } = run;
    if (held.abortReason(error) === undefined && held.mayRun && part.jobId !== undefined) {
        const job = jobIdForLog(part.jobId, run.settings.maskJobId);
        const then = last
            ? 'it holds the last records of the file'
            : `then ${resume(run, after)} to load the rest of the file`;
        return withNote(error, `${where} The job of part ${part.index} (${job}) goes on in Zoho: wait for it to end ` +
            `(action: status, wait: true, job-id of that job); ${then}.`);
    }
    return withNote(error, `${where} To load the rest of the file, ${resume(run, loaded)}.`);
}
async function loadPart(run, part, report, created) {
    delete run.record.job;
    const partRun = {
        ...run,
        file: {
            path: part.path,
            name: (0,external_node_path_namespaceObject.basename)(part.path),
            size: part.bytes,
            kind: 'csv',
            columns: run.file.columns,
            dialect: run.file.dialect,
            measure: { records: part.records, bytes: part.bytes, blankRows: 0 }
        }
    };
    if (!created)
        await create(partRun);
    const { jobId } = run.record;
    if (jobId !== undefined)
        report.jobId = jobId;
    setOutput('job-ids', run.record.parts?.flatMap(each => each.jobId ?? []).join(','));
    try {
        await upload(partRun);
    }
    finally {
        await (0,external_node_fs_promises_namespaceObject.rm)(part.path, { force: true });
    }
    await start(partRun);
    await follow(partRun);
}
const completed = (report) => report.status?.state === 'Completed';
function keepOutcome(part, record) {
    const { job } = record;
    if (job === undefined)
        return;
    if (job.wait.status !== undefined)
        part.status = job.wait.status;
    if (job.preview !== undefined)
        record.failedRows = morePreview(record.failedRows, job.preview, PREVIEW_ROWS);
}
function sumUp(run, parts) {
    const { record } = run;
    const status = record.job?.wait.status;
    const totals = { total: 0, success: 0, failed: 0, unprocessed: 0 };
    for (const part of parts) {
        for (const key of Object.keys(totals))
            totals[key] += part.status?.records[key] ?? 0;
    }
    const summed = { ...(status ?? {}), records: totals };
    record.partsStatus = summed;
    reportStatus(summed, run.secrets);
}
class MergedResults {
    #root;
    #dir;
    #started = new Set();
    constructor(root) {
        this.#root = root;
    }
    async add(record, part) {
        const from = record.job?.resultDir;
        if (from === undefined)
            return;
        try {
            for (const filter of RESULT_FILTERS) {
                const zip = (0,external_node_path_namespaceObject.join)(from, `${filter}.zip`);
                if (await exists(zip))
                    await this.#merge(zip, filter, part);
            }
        }
        catch (error) {
            core_warning(`The result files of part ${part.index} could not be kept: ${messageOf(error)}. ` +
                'result-dir holds those of the parts before it.');
        }
        finally {
            await (0,external_node_fs_promises_namespaceObject.rm)(from, { recursive: true, force: true });
            if (this.#dir !== undefined && (this.#started.size > 0 || this.#kept)) {
                record.resultDir = this.#dir;
                setOutput('result-dir', this.#dir);
            }
        }
    }
    #kept = false;
    async #merge(zip, filter, part) {
        const dir = (this.#dir ??= await (0,external_node_fs_promises_namespaceObject.mkdtemp)((0,external_node_path_namespaceObject.join)(this.#root, 'zoho-bulk-results-')));
        const into = (0,external_node_path_namespaceObject.join)(dir, `${filter}.csv`);
        const first = !this.#started.has(filter);
        const before = first ? 0 : (await (0,external_node_fs_promises_namespaceObject.stat)(into)).size;
        try {
            await appendResultCsv(zip, into, first);
            this.#started.add(filter);
        }
        catch (error) {
            if (first)
                await (0,external_node_fs_promises_namespaceObject.rm)(into, { force: true });
            else
                await (0,external_node_fs_promises_namespaceObject.truncate)(into, before);
            const kept = `part-${part.index}-${filter}.zip`;
            await (0,external_node_fs_promises_namespaceObject.copyFile)(zip, (0,external_node_path_namespaceObject.join)(dir, kept));
            this.#kept = true;
            core_warning(`The ${filter} rows of part ${part.index} could not be merged into ${filter}.csv ` +
                `(${messageOf(error)}): result-dir keeps the file as Zoho sent it, as ${kept}.`);
        }
    }
}
async function exists(path) {
    return (0,external_node_fs_promises_namespaceObject.stat)(path).then(() => true, () => false);
}

;// CONCATENATED MODULE: ./src/dry-run.ts





function unlessDryRun(operation) {
    return async (run) => (run.settings.dryRun ? plan(run) : operation(run));
}
async function plan(run) {
    const { settings, context, keyed } = run;
    let { file } = run;
    if ('key' in settings && settings.key !== undefined && keyed !== undefined) {
        const { form, copyRoot, wait, key } = settings;
        const read = { file, key, keyed, form, copyRoot, wait };
        const { left } = await leaveOutKeysInZoho(read, run);
        if (left === undefined) {
            context.log(`Dry run: every record of ${file.name} is in Zoho already: nothing to load.`);
            return;
        }
        file = left;
    }
    try {
        await report(run, file);
    }
    finally {
        if (file !== run.file)
            await discardCopy(file);
    }
}
async function report(run, file) {
    const { settings, record, context } = run;
    const parts = 'parts' in settings ? await dry_run_partsOf(file, settings.parts) : [wholeOf(file)];
    const total = parts.reduce((sum, part) => sum + part.records, 0);
    record.plan = { records: total, parts };
    const left = record.values === undefined ? '' : `, ${counted(record.values.rows, 'row')} left out`;
    context.log(`Dry run: ${file.name} would load ${counted(total, 'record')} in ` +
        `${counted(parts.length, 'job')}${left}; nothing was sent to Zoho.`);
    for (const { index, firstRow, lastRow, records } of parts)
        context.log(`Part ${index}: rows ${firstRow} to ${lastRow} (${counted(records, 'record')}).`);
    setOutput('total-records', String(total));
    setOutput('rejected-records', String(record.values?.rows ?? 0));
    setOutput('parts', String(parts.length));
}
async function dry_run_partsOf(file, limits) {
    const measured = partsNeeded(file, limits);
    if (measured === undefined)
        return [wholeOf(file)];
    return planParts(csvText(file), { ...limits, maxBytes: MAX_FILE_BYTES, bytes: measured.bytes });
}
function wholeOf({ measure: { records, blankRows } }) {
    return { index: 1, firstRow: 2, lastRow: records + blankRows + 1, records };
}

;// CONCATENATED MODULE: ./src/main.ts













const OPERATIONS = {
    create: [create],
    upload: [checkHeader, unlessDryRun(upload)],
    start: [start, follow],
    abort: [abort, follow],
    status: [readStatus, follow],
    load: [resolveLookups, checkHeader, unlessDryRun(load)]
};
const FAILURE_EXIT_CODE = 1;
const ABORT_ON_CANCEL_MS = 6000;
async function runMain() {
    const secrets = new Secrets();
    const cancellation = cancelOnSignals();
    const record = {
        startedMs: systemClock.now(),
        calls: { made: 0 },
        mints: { made: 0 },
        events: []
    };
    try {
        await act(record, secrets, cancellation);
    }
    catch (error) {
        fail(error, record, secrets);
    }
    await writeSummary(record, systemClock.now(), secrets);
    cancellation.dispose();
}
async function act(record, secrets, cancellation) {
    const settings = (record.settings = readSettings(secrets));
    for (const warning of settings.warnings)
        core_warning(warning);
    const warning = rerun(settings);
    if (warning !== undefined)
        core_warning(warning);
    if ('jobId' in settings) {
        record.jobId = settings.jobId;
        setOutput('job-id', settings.jobId);
    }
    const run = await openJobRun(settings, record, secrets, cancellation.signal);
    const given = run.file;
    try {
        await run.connection.tokens.current(run.context);
        await performHeld(run, cancellation);
    }
    finally {
        await discardCopy(given);
        await discardCopy(run.file);
        await keepCheckFiles(record);
    }
}
async function performHeld(run, cancellation) {
    try {
        await perform(run);
    }
    catch (error) {
        throw await cleanUp(run, error, cancellation);
    }
    run.held.release();
}
async function perform(run) {
    const operations = OPERATIONS[run.settings.action];
    for (const operation of operations)
        await operation(run);
}
async function cleanUp(run, error, cancellation) {
    const { held, record, connection, context } = run;
    const why = held.abortReason(error);
    const { job } = held;
    if (why === undefined || job === undefined || !(error instanceof ActionError)) {
        held.release();
        const goesOn = error instanceof CancelledError && held.goesOn;
        return goesOn ? withNote(error, 'The job goes on in Zoho.') : error;
    }
    const cancelled = error instanceof CancelledError;
    cancellation.holdExit(ABORT_ON_CANCEL_MS + 1500);
    const deadline = cancelled ? systemClock.now() + ABORT_ON_CANCEL_MS : undefined;
    const { aborted, note } = await abortJob(job, why, connection, context, deadline);
    if (aborted)
        held.ended();
    record.events.push(aborted ? ['Aborted', `as ${why}`] : ['Not aborted', note]);
    return withNote(error, note);
}
function fail(error, record, secrets) {
    if (error instanceof Error && !(error instanceof ActionError))
        core_debug(secrets.redact(error.stack ?? ''));
    if (error instanceof CancelledError)
        record.cancelled = error.message;
    const problems = error instanceof InputError ? error.problems : [failureMessage(error)];
    const lines = problems.map(problem => cut(secrets.redact(problem), MAX_PARAGRAPH_CHARS));
    record.failure = lines.join(' ');
    for (const line of lines)
        core_error(line);
    process.exitCode = FAILURE_EXIT_CODE;
}

;// CONCATENATED MODULE: ./src/post.ts






async function runPost() {
    const job = HeldJob.pending();
    if (job === undefined) {
        info('The main step left no job running: nothing to abort.');
        return;
    }
    const secrets = new Secrets();
    try {
        const settings = readSettings(secrets);
        if (settings.maskJobId)
            secrets.add(job.jobId);
        const counters = { calls: { made: 0 }, mints: { made: 0 } };
        const { connection, context } = connect(settings, secrets, counters, new AbortController().signal);
        info(secrets.redact(`The main step was ended before it could abort job ${job.jobId}; aborting it now.`));
        const { aborted, note } = await abortJob(job, 'the workflow was cancelled while it ran', connection, context);
        if (aborted)
            info(note);
        else
            core_warning(note);
    }
    catch (error) {
        if (!(error instanceof ActionError))
            throw error;
        core_warning(secrets.redact(`Job ${job.jobId} may still be running: it could not be aborted (${failureMessage(error)}).`));
    }
}

;// CONCATENATED MODULE: ./src/index.ts



const POST_MARK = 'is-post';
async function step() {
    if (getState(POST_MARK) === 'true')
        await runPost();
    else {
        saveState(POST_MARK, 'true');
        await runMain();
    }
}
void step().finally(() => {
    setTimeout(() => process.exit(), 500).unref();
});


//# sourceMappingURL=index.js.map
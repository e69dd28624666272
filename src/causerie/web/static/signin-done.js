// The last page of a sign-in pop-up: hand the session to the widget that opened it.
// postMessage goes to the one origin the sign-in started from, never to "*".
(function () {
  var data = JSON.parse(document.getElementById("causerie-signin").textContent);
  if (window.opener) {
    window.opener.postMessage({ causerie: "signin", token: data.token, name: data.name }, data.origin);
    window.close();
  }
})();

/* global window, document, Parley */
// The shop's own script on the demo page. The first line is the optional stub from docs/widget.md:
// it queues Parley(...) and Parley.open() calls made before /widget.js has arrived, and the loader
// replays them. The rest is what a shop might do with the JS API.
(function (w, m) {
  var p = (w.Parley =
    w.Parley ||
    function () {
      (p.q = p.q || []).push([].slice.call(arguments));
    });
  m.forEach(function (n) {
    p[n] =
      p[n] ||
      function () {
        p.apply(null, [n].concat([].slice.call(arguments)));
      };
  });
})(window, ['open', 'close', 'toggle', 'show', 'hide', 'identify', 'setAttributes', 'track', 'on']);

Parley.on('unread', function (e) {
  document.title = (e.count > 0 ? '(' + e.count + ') ' : '') + document.title.replace(/^\(\d+\) /, '');
});

document.addEventListener('DOMContentLoaded', function () {
  document.getElementById('ask').addEventListener('click', function () {
    Parley.track('size_question');
    Parley.open();
  });
  document.getElementById('add').addEventListener('click', function () {
    var size = document.getElementById('size').value;
    document.querySelector('.cart').textContent = 'Cart (1)';
    Parley.setAttributes({ cartSize: size, cartValue: 129 });
    Parley.track('add_to_cart', { product: 'Trail Runner 2', size: size });
  });
});

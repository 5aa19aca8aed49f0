/** The browser's permission for system notifications ("unsupported" where there is no API). */
export function notificationPermission(): NotificationPermission | 'unsupported' {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Raises a system notification; a click brings the console forward on that conversation. */
export function showSystemNotification(n: {
  title: string;
  body: string;
  tag: string;
  conversationId: string;
}): void {
  if (typeof Notification === 'undefined') return;
  const notification = new Notification(n.title, { body: n.body, tag: n.tag });
  notification.addEventListener('click', () => {
    window.focus();
    location.hash = `#/c/${encodeURIComponent(n.conversationId)}`;
    notification.close();
  });
}

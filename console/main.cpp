// SPDX-License-Identifier: MIT
// llmring-console: the admin console for an llmring service.

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication application(argc, argv);
    return 0;
}

var name = 'chi' + 'ld_pro' + 'cess';
require(name).exec('id');
